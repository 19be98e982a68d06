-- Example 2: mark links that leave the site, and count Chinese characters
-- in the title the right way.
-- A link filter returns a list: the link itself, then a small marker after
-- it. A document filter adds a field to the front matter that templates
-- see as page.params.title_chars (string.len would count bytes: 3 a character).
return {
  link = function(link)
    if link.url:match("^https?://") then
      return { link, gz.node.raw('<span class="external" aria-label="（外部链接）">↗</span>') }
    end
  end,
  document = function(doc, meta)
    if meta.title then
      meta.title_chars = gz.utf8.len(meta.title)
    end
    return meta
  end,
}
