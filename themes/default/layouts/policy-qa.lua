-- "Policy Q&A" page (layout: policy-qa), written in Lua. Questions are the
-- explainer's "## 问：…" headings; the page opens with a list of them that
-- links to each answer, so a villager finds "怎么申请？" at a glance.
return function(page, site)
  local html = page.content or ""
  local questions, n = {}, 0
  -- give every question heading an anchor, and collect its text
  html = html:gsub("<h2>(.-)</h2>", function(inner)
    n = n + 1
    local text = inner:gsub("<[^>]*>", "")
    -- Lua patterns work on bytes: match the full-width colon as a whole
    text = text:gsub("^问：%s*", ""):gsub("^问:%s*", "")
    questions[#questions + 1] = '<li><a href="#q' .. n .. '">' .. text .. "</a></li>"
    return '<h2 id="q' .. n .. '">' .. inner .. "</h2>"
  end)
  local p = page.params or {}
  local facts = {}
  for _, f in ipairs({ { "department", "主管部门" }, { "effective", "施行日期" },
                       { "contact", "咨询" } }) do
    local v = p[f[1]]
    if v and v ~= "" then
      if f[1] == "effective" then v = cn_date(tostring(v)) end
      facts[#facts + 1] = "<div><dt>" .. f[2] .. "</dt><dd>" .. esc(v) .. "</dd></div>"
    end
  end
  local main = table.concat({
    '<article class="article wrap-article policy-qa">',
    '<header class="article-header"><p class="kicker">政策问答</p>',
    '<h1 class="article-title">', esc(page.title), '</h1>',
    partial_html("byline", page),
    #facts > 0 and ('<dl class="policy-facts">' .. table.concat(facts) .. "</dl>") or "",
    '</header>',
    #questions > 0 and ('<nav class="qa-index" aria-label="问题目录"><p>本文回答 ' ..
      #questions .. ' 个问题：</p><ol>' .. table.concat(questions) .. "</ol></nav>") or "",
    '<div class="prose">', html, '</div>',
    '</article>',
  })
  return render("base", page, { main = main })
end
