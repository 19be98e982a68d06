-- The back cover of a brochure: the manifest's back: text, a QR code to
-- the web site, the site's copyright line (params.copyright in site.yml),
-- and the issuer and print date on a band of the accent colour that runs
-- into the bleed.
return function(doc, page)
  local W, H, b = page.width, page.height, page.bleed
  local x, w = 16 * mm, W - 32 * mm
  local band = H * 0.72
  local y = H * 0.3

  if doc.back then
    y = y + text(x, y, w, nil, esc(doc.back), { size = 9, leading = 1.7, align = "justify" }) + 8 * mm
  end
  if site.base_url and site.base_url ~= "" then
    local q = 20 * mm
    qr(site.base_url, x, y, q)
    text(x + q + 5 * mm, y + q / 2 - 10, w - q - 5 * mm, nil,
      "<b>扫码访问网站</b>\n" .. esc(site.base_url), { font = "sans", size = 7.5, color = "muted" })
    y = y + q + 8 * mm
  end
  if doc.copyright then
    -- whatever does not fit above the band is left out rather than overprinted
    text(x, y, w, band - 6 * mm - y, esc(doc.copyright),
      { size = 7, leading = 1.6, align = "justify", color = "muted" })
  end

  rect(-b, band, W + 2 * b, H - band + b, "accent")
  local line = esc(doc.issuer or site.title or "") .. "　编印"
  if doc.date then
    line = line .. "\n" .. esc(doc.date)
  end
  text(x, band + 10 * mm, w, nil, line,
    { font = "sans", bold = true, size = 10, align = "center", color = "paper", leading = 1.6 })
end
