-- "Policy Q&A" page (layout: policy-qa), written in Lua. Questions are the
-- explainer's "## 问：…" headings; the page opens with a list of them that
-- links to each answer, so a villager finds "怎么申请？" at a glance. Around
-- it the parts every policy page has (partials/): the way back, the cover
-- photo with its caption and credit, the other photos, the history, the
-- terms and the related pages.
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
  -- the kicker as on the other policy pages: the section, and the topic
  local sec
  for _, s in ipairs(site.sections or {}) do
    if s.name == page.section then sec = s end
  end
  local kicker = sec and ('<a href="' .. esc(relurl(sec.url)) .. '">' .. esc(sec.title) .. "</a>")
    or "政策解读"
  local topic = type(p.topic) == "table" and table.concat(p.topic, "、") or p.topic
  if topic and topic ~= "" then
    kicker = kicker .. '<span class="kicker-topic">' .. esc(topic) .. "</span>"
  end
  local standfirst = ""
  if p.summary and page.summary and page.summary ~= "" then
    standfirst = '<p class="standfirst">' .. esc(page.summary) .. "</p>"
  end
  local main = table.concat({
    '<div class="wrap-article">', partial_html("breadcrumb", page), '</div>',
    '<article class="article wrap-article policy-qa">',
    '<header class="article-header"><p class="kicker">', kicker, '</p>',
    '<h1 class="article-title">', phrases(page.title), '</h1>',
    standfirst,
    partial_html("byline", page),
    #facts > 0 and ('<dl class="policy-facts">' .. table.concat(facts) .. "</dl>") or "",
    '</header>',
    partial_html("cover", page),
    #questions > 0 and ('<nav class="qa-index" aria-label="问题目录"><p>本文回答 ' ..
      #questions .. ' 个问题：</p><ol>' .. table.concat(questions) .. "</ol></nav>") or "",
    '<div class="prose">', html, '</div>',
    partial_html("gallery", page),
    '<footer class="article-footer">', partial_html("history", page),
    partial_html("terms", page), '</footer>',
    '</article>',
    partial_html("related", page),
  })
  return render("base", page, { main = main })
end
