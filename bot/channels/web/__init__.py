"""The web chat widget: a page at ``/chat`` and an embeddable snippet, over socket.io.

See ``docs/web-widget.md`` for how to use it and put it on a website.
"""

from bot.channels.web.channel import WebChatInput

__all__ = ["WebChatInput"]
