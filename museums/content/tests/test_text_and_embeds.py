"""What staff write is made safe; embeds come only from the allowed providers, in their private form."""

import pytest
from django.core.exceptions import ValidationError

from museums.content.embeds import embed_parse, embed_player
from museums.content.text import markdown_render


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>Bonjour", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[lien](javascript:alert(1))", "javascript:"),
        ('<a href="https://example.org" onclick="steal()">x</a>', "onclick"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
    ],
)
def test_scripts_and_dangerous_html_never_survive_the_rendering(source, forbidden):
    assert forbidden not in markdown_render(source).lower()


def test_markdown_keeps_its_structure_and_links_are_made_safe():
    html = markdown_render("## Titre\n\n- **un** point\n\n> citation\n\n[le musée](https://musees.example.org)")
    assert "<h2>Titre</h2>" in html and "<strong>un</strong>" in html and "<blockquote>" in html
    assert 'href="https://musees.example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "provider, address, identifier",
    [
        ("youtube", "https://www.youtube.com/watch?v=M7lc1UVf-VE", "M7lc1UVf-VE"),
        ("youtube", "https://youtu.be/M7lc1UVf-VE", "M7lc1UVf-VE"),
        ("youtube", "M7lc1UVf-VE", "M7lc1UVf-VE"),
        ("vimeo", "https://vimeo.com/76979871", "76979871"),
        ("dailymotion", "https://www.dailymotion.com/video/x8abcd1", "x8abcd1"),
    ],
)
def test_an_allowed_providers_address_or_identifier_gives_the_identifier(provider, address, identifier):
    assert embed_parse(provider, address) == identifier


@pytest.mark.parametrize(
    "provider, address, code",
    [
        ("tiktok", "https://www.tiktok.com/@x/video/1", "embed_not_allowed"),
        ("youtube", "https://evil.example/watch?v=M7lc1UVf-VE", "embed_not_allowed"),
        ("youtube", "javascript:alert(1)", "embed_invalid"),
        ("youtube", 'M7lc1UVf-VE"><script>', "embed_invalid"),
        ("vimeo", "https://vimeo.com/channels/staffpicks", "embed_invalid"),
    ],
)
def test_other_providers_and_malformed_identifiers_are_refused(provider, address, code):
    with pytest.raises(ValidationError) as refused:
        embed_parse(provider, address)
    assert refused.value.code == code


def test_the_player_is_the_privacy_enhanced_one():
    assert embed_player("youtube", "M7lc1UVf-VE").startswith("https://www.youtube-nocookie.com/embed/M7lc1UVf-VE")
    assert "dnt=1" in embed_player("vimeo", "76979871")
