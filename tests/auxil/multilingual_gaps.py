"""Two content gaps asked in four languages, and two strays: for tests with real models."""

from __future__ import annotations

GIFT_CARD = {
    "en": ["Can I pay with a gift card?", "Do you accept gift cards as payment?"],
    "de": ["Kann ich mit einer Geschenkkarte bezahlen?", "Nehmt ihr Geschenkkarten an?"],
    "fr": ["Puis-je payer avec une carte cadeau ?", "Acceptez-vous les cartes cadeaux ?"],
    "es": ["¿Puedo pagar con una tarjeta regalo?", "¿Aceptan tarjetas de regalo como pago?"],
}
PICKUP = {
    "en": ["Can I pick up my order in a store?", "Is in-store pickup available?"],
    "de": ["Kann ich meine Bestellung im Laden abholen?", "Gibt es Abholung im Geschäft?"],
    "fr": ["Puis-je retirer ma commande en magasin ?", "Le retrait en magasin est-il possible ?"],
    "es": ["¿Puedo recoger mi pedido en una tienda?", "¿Tienen recogida en tienda?"],
}
STRAYS = {"en": ["What is the airspeed of a swallow?"], "de": ["Wie spät ist es auf dem Mars?"]}


def rows(topics: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(language, text) pairs."""
    return [(lang, text) for lang, texts in topics.items() for text in texts]
