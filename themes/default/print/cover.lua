-- The front cover of a brochure (gazette print content/brochures/x.yml).
--
-- doc is the manifest (title, subtitle, issuer, date, cover, back, size …,
-- plus titles: the stories' titles in order); page is the geometry in
-- points: page.width × page.height is the trimmed page, page.bleed what
-- runs past it on every side. docs/print.md lists the drawing functions.
return function(doc, page)
  local W, H, b = page.width, page.height, page.bleed
  local x, w = 16 * mm, W - 32 * mm
  local fold = H * 0.58 -- where the photo ends and the type begins
  local sizes = style.brochure or {}
  local title_size = tonumber(sizes.cover_title) or 22
  local max_lines = tonumber(sizes.cover_title_lines) or 3
  local title = { font = "sans", bold = true, size = title_size, leading = 1.3 }

  -- a title that would run into the issuer's line is the manifest's error
  local _, lines = measure(w, esc(doc.title), title)
  if lines > max_lines then
    fail("title", string.format("title is too long for the cover (%d lines; at most %d); shorten it",
      lines, max_lines))
  end

  -- the photo runs off three edges into the bleed
  if doc.cover then
    image(doc.cover, -b, -b, W + 2 * b, fold + b, "cover")
  end
  rect(-b, fold, W + 2 * b, 2.5 * mm, "accent")

  local y = fold + 12 * mm
  y = y + text(x, y, w, nil, esc(doc.title), title) + 4 * mm
  if doc.subtitle then
    text(x, y, w, nil, esc(doc.subtitle), { size = 12 })
  end
  if doc.issuer then
    text(x, H - 22 * mm, w, nil, esc(doc.issuer), { font = "sans", bold = true, size = 10 })
  end
end
