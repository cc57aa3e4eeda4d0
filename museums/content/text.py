"""Staff-written Markdown made safe to show: rendered with Python-Markdown, then sanitised with nh3.

The HTML is stored with the content (rendered once, when staff save), so a
page never renders Markdown. nh3 keeps only the tags and attributes below and
the link schemes http, https and mailto; anything else — scripts, event
handlers, `javascript:` links, styles, frames, images (pictures are added
with their alternative text in the admin, not in the text) — is removed.
Links get `rel="noopener noreferrer nofollow"`.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "abbr", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_SOURCE = 100_000  # characters of Markdown: far above an article, far below what would tie up a worker


def html_sanitise(html: str) -> str:
    """Keep only the allowed tags, attributes and link schemes."""
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    )  # fmt: skip


def markdown_render(source: str) -> str:
    """Markdown → sanitised HTML. Raw HTML in the source is sanitised like the rest."""
    html = markdown.markdown(source[:MAX_SOURCE], extensions=["sane_lists"], output_format="html")
    return html_sanitise(html)
