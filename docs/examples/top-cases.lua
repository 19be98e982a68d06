-- Example 3: a "typical cases" page made by a hook.
-- on_load runs once, after every page is loaded: it ranks the featured
-- stories by length, records each one's rank (templates see page.case_rank),
-- and adds a virtual page listing them at /typical-cases/.
return {
  on_load = function(site)
    local cases = {}
    for _, p in ipairs(site.featured) do
      cases[#cases + 1] = p
    end
    table.sort(cases, function(a, b)
      if a.chars ~= b.chars then return a.chars > b.chars end
      return a.url < b.url
    end)
    local items = {}
    for i, p in ipairs(cases) do
      gz.set(p, "case_rank", i)
      items[#items + 1] = string.format('<li><a href="%s">%s</a>（%d 字）</li>',
        gz.esc(relurl(p.url)), gz.esc(p.title), p.chars)
    end
    gz.add_page({
      url = "/typical-cases/",
      title = "典型案例",
      summary = "本站精选的典型案例，按篇幅排列。",
      content = "<ol class=\"typical-cases\">" .. table.concat(items) .. "</ol>",
    })
  end,
}
