"""What the AppTest page tests share: pressing a button by its label, reading Markdown as shown, no exceptions."""

import re


def click(at, label: str):
    """Press the button labelled `label` and run the page; returns the AppTest."""
    next(b for b in at.button if b.label == label).click()
    return at.run()


def shown(element) -> str:
    """An element's Markdown as a reader sees it (text from links, files and text boxes is backslash-escaped)."""
    return re.sub(r"\\(.)", r"\1", element.value)


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
