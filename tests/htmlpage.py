"""Read a served HTML page in tests: every element with its attributes and text."""

from __future__ import annotations

from html.parser import HTMLParser


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], ancestors: list[Element]):
        self.tag = tag
        self.attrs = {k: v or "" for k, v in attrs.items()}
        self.text = ""
        self.ancestors = ancestors

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def inside(self, class_: str) -> bool:
        return any(class_ in a.classes for a in self.ancestors)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs} {self.text!r}>"


class Page(HTMLParser):
    """The elements of an HTML page, each with its attributes and the text inside it."""

    VOID = {"meta", "link", "img", "input", "br", "hr", "source"}

    def __init__(self, body: bytes | str):
        super().__init__(convert_charrefs=True)
        self.html = body.decode("utf-8") if isinstance(body, bytes) else body
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(self.html)

    def handle_starttag(self, tag, attrs):
        el = Element(tag, dict(attrs), list(self._open))
        self.elements.append(el)
        if tag not in self.VOID:
            self._open.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for el in self._open:
            el.text += data

    def find(self, tag: str | None = None, class_: str | None = None, **attrs) -> list[Element]:
        """Elements with the tag and class whose attributes have the given values
        (`aria_current=` stands for aria-current, `for_=` for for)."""
        out = []
        for el in self.elements:
            if tag and el.tag != tag:
                continue
            if class_ and class_ not in el.classes:
                continue
            if any(el.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
                continue
            out.append(el)
        return out

    all = find

    def one(self, tag: str | None = None, class_: str | None = None, **attrs) -> Element:
        found = self.find(tag, class_, **attrs)
        assert len(found) == 1, (tag, class_, attrs, found)
        return found[0]

    def link(self, text: str, **attrs) -> str:
        """The href of the one link whose text (whitespace folded) contains `text`."""
        found = [a for a in self.find("a", **attrs) if text in " ".join(a.text.split())]
        assert len(found) == 1, (text, found)
        return found[0].get("href")

    def meta(self, name: str) -> list[str]:
        return [el.get("content") for el in self.find("meta") if el.get("name") == name]

    @property
    def title(self) -> str:
        return " ".join(self.one("title").text.split())

    @property
    def text(self) -> str:
        return " ".join(self.one("body").text.split())

    def hit_ids(self) -> list[str]:
        return [a.get("id")[4:] for a in self.find("h2", class_="hit-title")]
