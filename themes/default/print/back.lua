-- The back cover of a brochure: the manifest's back: text, a QR code to
-- the web site, the site's copyright line (params.copyright in site.yml),
-- and the issuer and print date on a band of the accent colour that runs
-- into the bleed.
return function(doc, page)
  local W, H, b = page.width, page.height, page.bleed
  local x, w = 16 * mm, W - 32 * mm
  local band = H * 0.72
  local back = { size = 9, leading = 1.7, align = "justify" }
  local notice = { size = 7, leading = 1.6, align = "justify", color = "muted" }
  local q = 20 * mm
  local has_qr = site.base_url and site.base_url ~= ""

  -- measured first: on a small page the block starts higher rather than
  -- losing the end of the copyright notice under the band
  local back_h = doc.back and measure(w, esc(doc.back), back) + 8 * mm or 0
  local qr_h = has_qr and q + 8 * mm or 0
  local notice_h = doc.copyright and measure(w, esc(doc.copyright), notice) or 0
  local room = band - 6 * mm - page.margin.top
  -- on a small page the notice is set smaller (down to 6 pt, still
  -- legible in print) before the text is called too long
  while back_h + qr_h + notice_h > room and notice.size > 6 and doc.copyright do
    notice.size = notice.size - 0.5
    notice_h = measure(w, esc(doc.copyright), notice)
  end
  if back_h + qr_h + notice_h > room then
    fail("back", string.format(_("the back cover's text (back: and site.yml params.copyright) runs %.0f mm into its band at %s; shorten back:"),
      (back_h + qr_h + notice_h - room) / mm, doc.size or "A5"))
  end
  local y = math.min(H * 0.3, band - 6 * mm - (back_h + qr_h + notice_h))

  if doc.back then
    text(x, y, w, nil, esc(doc.back), back)
    y = y + back_h
  end
  if has_qr then
    qr(site.base_url, x, y, q)
    text(x + q + 5 * mm, y + q / 2 - 10, w - q - 5 * mm, nil,
      "<b>扫码访问网站</b>\n" .. esc(site.base_url), { font = "sans", size = 7.5, color = "muted" })
    y = y + qr_h
  end
  if doc.copyright then
    text(x, y, w, nil, esc(doc.copyright), notice)
  end

  rect(-b, band, W + 2 * b, H - band + b, "accent")
  local line = esc(doc.issuer or site.title or "") .. "　编印"
  if doc.date then
    line = line .. "\n" .. esc(doc.date)
  end
  text(x, band + 10 * mm, w, nil, line,
    { font = "sans", bold = true, size = 10, align = "center", color = "paper", leading = 1.6 })
end
