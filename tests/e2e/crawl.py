#!/usr/bin/env python3
"""Check every internal link of a built site.

    crawl.py PUBLIC_DIR BASE_URL

Walks every .html file under PUBLIC_DIR, collects href, src and srcset
values, and checks that each internal target exists as a file:
/x/ -> x/index.html, /x -> x or x/index.html. Links to other hosts,
mailto:, tel:, javascript: and data: are skipped; a link to BASE_URL's host
is internal. Same-page #fragments must name an id on the page. The URLs in
sitemap.xml are checked too. Prints each broken link with the page it is on
and exits 1 if there is any.
"""
import html.parser
import os
import sys
import urllib.parse
import xml.dom.minidom


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls = []  # (attr, value, line)
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if name in ("href", "src"):
                self.urls.append((name, value, self.getpos()[0]))
            elif name == "srcset":
                for part in value.split(","):
                    part = part.strip()
                    if part:
                        self.urls.append((name, part.split()[0], self.getpos()[0]))

    handle_startendtag = handle_starttag


def page_url(root, path):
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def target_file(root, base_path, path):
    """The file a site path maps to, or None if it is outside the site."""
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path):]
    full = os.path.normpath(os.path.join(root, rel))
    if full != os.path.normpath(root) and not full.startswith(os.path.normpath(root) + os.sep):
        return None
    if path.endswith("/") or os.path.isdir(full):
        return os.path.join(full, "index.html")
    return full


def main():
    root, base_url = sys.argv[1], sys.argv[2]
    base = urllib.parse.urlsplit(base_url)
    base_path = base.path if base.path.endswith("/") else base.path + "/"
    broken = []
    checked = 0
    pages = 0

    def check(where, line, value, page_path, ids):
        nonlocal checked
        u = urllib.parse.urlsplit(value.strip())
        if u.scheme in ("mailto", "tel", "javascript", "data"):
            return
        if u.scheme in ("http", "https") or value.startswith("//"):
            if u.netloc != base.netloc:
                return  # another host
        elif u.scheme:
            return
        if not u.scheme and not u.netloc and not u.path:
            # same page: "#x" (or "?q")
            if u.fragment and ids is not None and urllib.parse.unquote(u.fragment) not in ids:
                broken.append(f"{where}:{line}: #{u.fragment} names no id on the page")
            checked += 1
            return
        path = urllib.parse.urlsplit(urllib.parse.urljoin(base_path.rstrip("/") + page_path, value)).path
        path = urllib.parse.unquote(path)
        checked += 1
        f = target_file(root, base_path, path)
        if f is None:
            broken.append(f"{where}:{line}: {value} is outside the site ({base_path})")
        elif not os.path.isfile(f):
            broken.append(f"{where}:{line}: {value} -> {os.path.relpath(f, root)} does not exist")

    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            p = Links()
            with open(path, encoding="utf-8") as fh:
                p.feed(fh.read())
            p.close()
            pages += 1
            for _, value, line in p.urls:
                check(rel, line, value, page_url(root, path), p.ids)

    sitemap = os.path.join(root, "sitemap.xml")
    if os.path.exists(sitemap):
        doc = xml.dom.minidom.parse(sitemap)
        for loc in doc.getElementsByTagName("loc"):
            value = "".join(n.data for n in loc.childNodes)
            if not value.startswith(base_url.rstrip("/")):
                broken.append(f"sitemap.xml: {value} is not under {base_url}")
                continue
            check("sitemap.xml", 0, value, "/", None)

    for b in broken:
        print("broken:", b)
    print(f"crawl: {pages} pages, {checked} internal links, {len(broken)} broken")
    return 1 if broken or pages == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
