-- The front cover of a brochure (gazette print content/brochures/x.yml).
--
-- doc is the manifest (title, subtitle, issuer, date, cover, back, size …,
-- plus cover_title: the title with its marked line breaks, and titles: the
-- stories' titles in order); page is the geometry in
-- points: page.width × page.height is the trimmed page, page.bleed what
-- runs past it on every side. docs/print.md lists the drawing functions.
return function(doc, page)
  local W, H, b = page.width, page.height, page.bleed
  local x, w = 16 * mm, W - 32 * mm
  local sizes = style.brochure or {}
  local title_size = tonumber(sizes.cover_title) or 22
  local max_lines = tonumber(sizes.cover_title_lines) or 3
  -- balanced: a title of three lines does not leave a character or two
  -- alone on its last. doc.cover_title is the title with the line breaks
  -- its editor marked (title: "穆棱市脱贫攻坚\n典型案例"); each line of it
  -- is balanced alone when too long for one
  local title = { font = "sans", bold = true, size = title_size, leading = 1.3, balance = true }
  local title_text = esc(doc.cover_title or doc.title)
  local subtitle = { size = 12 }
  local issuer = { font = "sans", bold = true, size = 10 }

  local title_h, lines = measure(w, title_text, title)
  if lines > max_lines then
    fail("title", string.format(_("title is too long for the cover (%d lines; at most %d); shorten it"),
      lines, max_lines))
  end
  -- the title and subtitle end 4 mm above the issuer's line, which keeps
  -- its place at the foot; on a small page, or under a long title, the
  -- photo gives up room for them, down to 35 % of the page
  local block = title_h
  if doc.subtitle then
    block = block + 4 * mm + measure(w, esc(doc.subtitle), subtitle)
  end
  local foot = H - 16 * mm
  if doc.issuer then
    local issuer_h = measure(w, esc(doc.issuer), issuer)
    foot = H - 22 * mm + measure(w, "中", issuer) - issuer_h - 4 * mm
  end
  local fold = math.min(H * 0.58, foot - block - 12 * mm) -- where the photo ends and the type begins
  if fold < H * 0.35 then
    fail("title", string.format(_("title is too long for the cover: with the subtitle it runs %.0f mm into the issuer's line at %s; shorten the title or the subtitle"),
      (H * 0.35 - fold) / mm, doc.size or "A5"))
  end

  -- the photo runs off three edges into the bleed; without one, the
  -- accent colour does (a white field over half the cover reads as a
  -- page left unprinted)
  if doc.cover then
    image(doc.cover, -b, -b, W + 2 * b, fold + b, "cover")
  else
    rect(-b, -b, W + 2 * b, fold + b, "accent")
  end
  rect(-b, fold, W + 2 * b, 2.5 * mm, "accent")

  local y = fold + 12 * mm
  y = y + text(x, y, w, nil, title_text, title) + 4 * mm
  if doc.subtitle then
    text(x, y, w, nil, esc(doc.subtitle), subtitle)
  end
  if doc.issuer then
    text(x, foot + 4 * mm, w, nil, esc(doc.issuer), issuer)
  end
end
