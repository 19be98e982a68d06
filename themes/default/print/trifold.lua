-- A tri-fold leaflet (a page with layout: trifold), A4 landscape.
--
-- Called once for each side. page.side is "outside" or "inside";
-- page.panels holds the panels of that side (x, y, w, h, in points):
--   outside: flap (folds in, 97 mm), back, cover
--   inside:  left, middle, right
-- page.margin.top is the padding inside a panel. The text of the page is
-- set by gazette itself afterwards: its opening section on the flap, the
-- rest (the Q&A) across the three inside panels. This layout draws the
-- cover and back panels; doc is the page's front matter plus title (read
-- whole), cover_title (with the line breaks its editor marked), summary,
-- author, date, cover (a site path) and url (its web address);
-- doc.page is the page as HTML layouts see it.
local function cover_panel(doc, page, c)
  local H, b, pad = page.height, page.bleed, page.margin.top
  local x, w = c.x + pad, c.w - 2 * pad
  local band = H * 0.42
  local photo, gap = H * 0.3, H * 0.03
  local title_size = tonumber((style.leaflet or {}).title) or 24
  local least = tonumber((style.leaflet or {}).body) or 11
  local summary = { size = math.max(11, least), align = "justify", leading = 1.6 }
  local dept = { font = "sans", bold = true, size = least, leading = 1.4 }
  -- who stands behind it: the departments, else the author
  local who, who_key = doc.department, "department"
  if not who then who, who_key = doc.author, "author" end

  -- measured first, so that nothing is cut: the department sits on the
  -- padding at the foot, the summary above it takes what room it needs
  -- from the photo (which only decorates), down to half the photo
  local who_h, who_lines = 0, 0
  if who then
    who_h, who_lines = measure(w, esc(who), dept)
    if who_lines > 4 then
      fail(who_key, string.format(
        _("%s is too long for the leaflet's cover panel (%d lines; at most 4); shorten it"), who_key, who_lines))
    end
  end
  local who_y = math.min(H - 20 * mm, H - pad - who_h)
  if doc.summary then
    local need, lines = measure(w, esc(doc.summary), summary)
    local room = who_y - 5 * mm - (band + photo + gap)
    if need > room then
      photo = math.max(photo / 2, photo - (need - room))
      room = who_y - 5 * mm - (band + photo + gap)
    end
    if need > room then
      local fit = math.floor(room / (need / lines))
      fail("summary", string.format(_("summary is too long for the leaflet's cover panel (%d lines; room for %d); shorten it by about %d characters"),
        lines, fit, (lines - fit) * math.floor(w / summary.size)))
    end
  end

  -- the colour runs off the top and the right-hand edge
  rect(c.x, -b, c.w + b, band + b, "accent")
  if doc.cover then
    image(doc.cover, c.x, band, c.w + b, photo, "cover")
  end
  if doc.topic then
    text(x, 16 * mm, w, nil, esc(doc.topic), { font = "sans", bold = true, size = 11, color = "paper" })
  end
  -- with the line breaks its editor marked in the title, each line of it
  -- balanced alone when too long for one
  local _h, over = text(x, 32 * mm, w, band - 36 * mm, esc(doc.cover_title or doc.title),
    { font = "sans", bold = true, size = title_size, leading = 1.3, color = "paper", balance = true })
  if over then
    fail("title", _("title is too long for the leaflet's cover panel; shorten it"))
  end
  if doc.summary then
    text(x, band + photo + gap, w, nil, esc(doc.summary), summary)
  end
  if who then
    text(x, who_y, w, nil, esc(who), dept)
  end
end

local function back_panel(doc, page, c)
  local H, pad = page.height, page.margin.top
  local x, w = c.x + pad, c.w - 2 * pad
  local y = 16 * mm
  -- as large as the inside text: many readers are elderly, and nothing
  -- on the panel is under the leaflet's least size, the address to type
  -- under the code included
  local least = tonumber((style.leaflet or {}).body) or 11
  local size = math.max(12, least)
  y = y + text(x, y, w, nil, "咨询与联系", { font = "sans", bold = true, size = 15 }) + 4 * mm
  if doc.contact then
    -- one place a line
    local lines = esc(doc.contact):gsub("；", "\n")
    y = y + text(x, y, w, nil, lines, { size = size, leading = 1.6 }) + 6 * mm
  end
  if doc.department then
    y = y + text(x, y, w, nil, "主办单位", { font = "sans", bold = true, size = 13 }) + 2 * mm
    y = y + text(x, y, w, nil, esc(doc.department):gsub("、", "\n"), { size = size, leading = 1.6 }) + 6 * mm
  end
  -- the QR code to the page on the web site, its address printed under it,
  -- and who issued the leaflet, when: set up from the panel's foot, each
  -- as tall as its text is (a long address takes more lines)
  local q = 32 * mm
  local label = { font = "sans", bold = true, size = least, align = "center" }
  local addr = { size = least, align = "center", leading = 1.15 }
  local by = { font = "sans", size = least, align = "center", leading = 1.2 }
  local issued = esc(doc.source or doc.author or site.title or "") .. "　印发"
  if doc.date then issued = issued .. "\n" .. esc(doc.date) end
  local ih = measure(c.w, issued, by)
  local ah = measure(w, esc(doc.url), addr)
  local lh = measure(c.w, "扫码阅读网页版", label)
  local iy = H - pad - ih
  local ay = iy - 3 * mm - ah
  local qx, qy = c.x + (c.w - q) / 2, ay - 2 * mm - q
  if y > qy - 2 * mm - lh - 4 * mm then
    fail("contact", _("contact and department are too long for the back panel; shorten them"))
  end
  text(c.x, qy - 2 * mm - lh, c.w, nil, "扫码阅读网页版", label)
  qr(doc.url, qx, qy, q)
  text(x, ay, w, nil, esc(doc.url), addr)
  text(c.x, iy, c.w, nil, issued, by)
end

return function(doc, page)
  if page.side == "outside" then
    cover_panel(doc, page, page.panels.cover)
    back_panel(doc, page, page.panels.back)
  end
end
