-- "TV column" episode page (layout: tv), written in Lua instead of HTML.
-- A story prepared for the city TV station's column: the broadcast details
-- up front (episode, air date, duration, reading time at broadcast pace),
-- then the story, then the rights line the station must respect. Around it
-- the parts every story page has (partials/): the way back, the cover
-- photo with its caption and credit, the other photos, the history, the
-- older and newer stories and the related ones.
--
-- A Lua layout returns function(page, site) that returns the page's HTML;
-- render() fills base.html's blocks with strings, partial_html() renders a
-- partial, esc() escapes, gz.utf8 counts characters.
return function(page, site)
  local p = page.params or {}
  local esc = esc
  local rate = tonumber(p.broadcast_rate) or 250
  local minutes = math.max(1, math.floor((page.chars or 0) / rate + 0.5))
  local facts = {}
  -- note: a second line under the value, in smaller type, so a long value
  -- breaks where it means to and not inside its parenthesis
  local function fact(label, value, note)
    if value and value ~= "" then
      facts[#facts + 1] = "<div><dt>" .. label .. "</dt><dd>" .. esc(value) ..
        (note and ('<span class="tv-facts-note">' .. esc(note) .. "</span>") or "") .. "</dd></div>"
    end
  end
  -- "12:30" is how an editor writes a running time, but read on its own it
  -- is a clock time: 12分30秒 (and 1:02:05, 1小时2分5秒). Anything else as written.
  local function running_time(d)
    if d == nil then return nil end
    d = tostring(d)
    local h, m, s = d:match("^(%d+):(%d%d):(%d%d)$")
    if not h then m, s = d:match("^(%d+):(%d%d)$") end
    if not m then return d end
    local out = (h and tonumber(h) > 0) and (tonumber(h) .. "小时") or ""
    out = out .. tonumber(m) .. "分"
    if tonumber(s) > 0 then out = out .. tonumber(s) .. "秒" end
    return out
  end
  fact("栏目", p.column or "扶贫工作专栏")
  fact("期数", p.episode and ("第 " .. p.episode .. " 期") or nil)
  fact("播出", p.air_date and cn_date(p.air_date) or nil)
  fact("片长", running_time(p.duration))
  fact("播读", "约 " .. minutes .. " 分钟", "按每分钟 " .. rate .. " 字")

  local notice = ""
  if page.reprint == "forbidden" then
    notice = '<p class="tv-notice" role="note">注意：本稿未经书面许可，不得转载或播出。</p>'
  end

  -- the lead, when the front matter wrote one (else it is the text's opening)
  local standfirst = ""
  if p.summary and page.summary and page.summary ~= "" then
    standfirst = '<p class="standfirst">' .. esc(page.summary) .. "</p>"
  end

  local main = table.concat({
    '<div class="wrap-article">', partial_html("breadcrumb", page), '</div>',
    '<article class="story article wrap-article tv-episode">',
    '<header class="article-header"><p class="kicker">电视专栏</p>',
    '<h1 class="article-title">', phrases(page.title), '</h1>',
    standfirst,
    partial_html("byline", page),
    '<dl class="tv-facts">', table.concat(facts), '</dl>', notice,
    '</header>',
    partial_html("cover", page),
    '<div class="prose">', page.content or "", '</div>',
    partial_html("gallery", page),
    '<footer class="article-footer">', partial_html("history", page),
    partial_html("terms", page), '</footer>',
    '</article>',
    partial_html("prevnext", page),
    partial_html("related", page),
  })
  return render("base", page, { main = main })
end
