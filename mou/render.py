"""The review as Markdown, terminal text, HTML or JSON, in English or Russian.

Templates are Jinja (`templates/`) and read a view model (`ReviewView`, built by
`review_view`), never the pydantic models: what a template may use is the user-template API
documented in the README. Every word goes through gettext (`mou.words`); record text arrives in
the chosen language; dates, numbers and money are formatted by `w` (a `Words`). HTML is
autoescaped; Markdown output neutralises record text with the `md` filter.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mou.escape import (
    console_style,
    json_safe,
    markdown_message,
    markdown_text,
    terminal_safe,
    visible,
)
from mou.review import Review, review_json
from mou.review_view import review_view
from mou.sandbox import render_bounded
from mou.words import Words

if TYPE_CHECKING:
    from mou.timeline import MarksOf

PACKAGE = Path(__file__).parent


def template_context(
    review: Review,
    language: str,
    *,
    contact_details: bool = False,
    words: Words | None = None,
    marks: MarksOf | None = None,
    later: bool = False,
) -> dict[str, Any]:
    """Everything a template sees: the review's view, the formatting helpers, the timeline's
    geometry, and whether contacts' e-mail and phone may be shown (only when asked for).
    `words`: the language's Words for the review's memorandum, when the caller has them (many
    reviews then format each date once); `marks`: what makes the timeline's marks
    (`timeline.timeline`); `later`: as `review_view` takes it (the site's own pages)."""
    from mou.timeline import timeline

    words = words or Words(language, review.memorandum)
    view = review_view(review, words, contact_details=contact_details, later=later)
    return {
        "contact_details": contact_details,
        "review": view,
        "memorandum": view.memorandum,
        "lang": language,
        "w": words,
        "_": words.gettext,
        "ngettext": words.ngettext,
        "timeline": timeline(review, words, marks),
    }


# --- rendering -----------------------------------------------------------------------------


def templates_folder() -> Path:
    """The packaged templates (an installed wheel), else the repository's `templates/`."""
    packaged = PACKAGE / "templates"
    return packaged if packaged.is_dir() else PACKAGE.parent / "templates"


def _shown_escaped(value: Any) -> str:
    return terminal_safe(str(value), newlines=True)


def _html_shown(value: Any) -> Any:
    """A value an HTML template prints: record text with its control and bidi characters
    shown escaped (`\u202e`), as in every other output, so that an unclosed override cannot
    turn the page's own text around it; HTML already made (Markup) and non-text as they are.
    Autoescaping follows."""
    if type(value) is str or (isinstance(value, str) and not hasattr(value, "__html__")):
        return visible(value)  # (a plain str first: asking it for __html__ costs an exception)
    return value


def environment(*, sandboxed: bool = False, html: bool = False, folder: Path | None = None) -> Any:
    """A Jinja environment for the review templates; a user's template gets a sandbox and
    StrictUndefined (a misspelt name is an error, not an empty string)."""
    import jinja2

    from mou.sandbox import sandbox
    from mou.template_options import FILTERS, OPTIONS

    loader = jinja2.FileSystemLoader(str(folder or templates_folder()))
    kind: Callable[..., Any] = sandbox if sandboxed else jinja2.Environment
    env = kind(
        loader=loader,
        autoescape=html,
        # Every value a template prints: control and bidi characters escaped.
        finalize=_html_shown if html else _shown_escaped,
        undefined=jinja2.StrictUndefined,
        **OPTIONS,
    )
    env.filters.update(zip(FILTERS, (markdown_text, markdown_message), strict=True))
    return env


def render_template(
    review: Review, language: str, name: str, *, html: bool, contact_details: bool = False
) -> str:
    template = environment(html=html).get_template(name)
    context = template_context(review, language, contact_details=contact_details)
    return str(template.render(context))


def render_user_template(
    review: Review, language: str, path: Path, *, contact_details: bool = False
) -> str:
    html = path.suffix.lower() in (".html", ".htm", ".xml", ".svg")
    env = environment(sandboxed=True, html=html, folder=path.parent)
    context = template_context(review, language, contact_details=contact_details)
    return render_bounded(env.get_template(path.name), context)


def render_review(
    review: Review, output_format: str, language: str, *, contact_details: bool = False
) -> str:
    """The review in a format (md, text, html, json) and language (en, ru)."""
    if output_format == "json":
        return json_safe(review_json(review, contact_details=contact_details))
    if output_format == "html":
        return render_template(
            review, language, "review.html.j2", html=True, contact_details=contact_details
        )
    markdown = render_template(
        review, language, "review.md.j2", html=False, contact_details=contact_details
    )
    if output_format == "md":
        return markdown
    return terminal_text(markdown)


def terminal_text(markdown: str, width: int = 100) -> str:
    """The Markdown review laid out by rich for a terminal (tables laid out by `mou.grid`, which
    never cuts an id; headings set off), as plain text: for a file or a pipe. On a terminal,
    `print_terminal` adds colour."""
    import io

    from rich.console import Console

    from mou.grid import markdown as laid_out

    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(laid_out(markdown), crop=False)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def print_terminal(markdown: str) -> None:
    from rich.console import Console

    from mou.grid import markdown as laid_out

    Console(**console_style()).print(laid_out(markdown), crop=False)
