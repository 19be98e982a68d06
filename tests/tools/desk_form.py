#!/usr/bin/env python3
"""The desk's editing form as a browser would send it back.

    desk_form.py PAGE.html [name=value ...]

Reads the form with id "page" from PAGE.html and prints its fields,
URL-encoded, as a browser submits them: each input's value, each
textarea's text (its line ends CR LF, as a browser sends them), each
select's selected option; name=value arguments replace a field, as typed
into it (a one-line field drops line breaks). Used to save a page
unchanged, as an editor who opens it and presses 保存.
"""
import html.parser
import sys
import urllib.parse


class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.fields = []
        self.text = None
        self.select = None
        self.textareas = set()
        self.lines = set()  # one-line fields

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "page":
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and "name" in a and a.get("type") not in ("file", "submit"):
            self.fields.append([a["name"], a.get("value", "")])
            if a.get("type", "text") in ("text", "search", "tel", "url", "password", "email"):
                self.lines.add(a["name"])
        elif tag == "textarea" and "name" in a:
            self.fields.append([a["name"], ""])
            self.textareas.add(a["name"])
            self.text = self.fields[-1]
            self.first = True
        elif tag == "select" and "name" in a:
            self.fields.append([a["name"], ""])
            self.select = self.fields[-1]
        elif tag == "option" and self.select is not None and "selected" in a:
            self.select[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.text = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.text is not None:
            # a browser drops the newline right after <textarea>
            if self.first and data.startswith("\n"):
                data = data[1:]
            self.first = False
            self.text[1] += data


def main():
    f = Form()
    f.feed(open(sys.argv[1], encoding="utf-8").read())
    fields = f.fields
    for arg in sys.argv[2:]:
        name, value = arg.split("=", 1)
        fields = [x for x in fields if x[0] != name] + [[name, value]]
    for x in fields:
        # a one-line field holds no line break, typed or pasted
        if x[0] in f.lines:
            x[1] = x[1].replace("\r", "").replace("\n", "")
        if x[0] in f.textareas:
            x[1] = x[1].replace("\r\n", "\n").replace("\n", "\r\n")
    print(urllib.parse.urlencode([tuple(x) for x in fields]))


if __name__ == "__main__":
    main()
