-- The default theme's shortcodes. Editors write them in Markdown as fenced
-- blocks that read well in any preview:
--
--   ::: quote speaker="孟庆龙" role="大桥村养蜂户"
--   蜂蜜甜，日子更甜。
--   :::
--
-- Each function gets the arguments (a table), the HTML of the inner
-- Markdown, and a context (ctx.path, ctx.line, ctx.text: the inner text;
-- ctx.image(src, {caption=, credit=, alt=}): a photo of the site placed as
-- a figure, returning its HTML and an id for print). It returns HTML, or a
-- table {html=, text=, print=} that also gives the shortcode's broadcast
-- text and its print blocks (docs/hooks.md). Where a form is not given,
-- print sets the text form as paragraphs and text uses the inner content,
-- so nothing an editor wrote is lost in any output. Arguments are the
-- editor's text: escape them with gz.esc for HTML (text and print take
-- plain text).

local esc = gz.esc

local function need(args, key, name)
  local v = args[key]
  if v == nil or v == "" then
    -- the default theme is a Chinese site's: its editors read this
    error(name .. " 缺少参数 " .. key .. "=…，请在 ::: " .. name .. " 后面写上", 0)
  end
  return v
end

local function given(v)
  return v ~= nil and v ~= ""
end

local function src_url(src)
  -- site-absolute paths get the base path; bundle-relative names stay
  if src:sub(1, 1) == "/" then return relurl(src) end
  return src
end

local shortcodes = {}

-- ::: figure src=/photos/2019/a.jpg caption="蜂箱" credit="孙昊" alt="…"
-- The caption and credit given here win over the page's photos: entry.
shortcodes.figure = function(args, inner, ctx)
  local src = need(args, "src", "figure")
  local html, id = ctx.image(src, { caption = args.caption, credit = args.credit, alt = args.alt })
  local print = { { kind = "image", id = id, text = args.caption }, { kind = "inner" } }
  if html then
    return { html = html .. inner, print = print }
  end
  -- not a file of the site (an address elsewhere): a plain figure
  local cap = ""
  if given(args.caption) or given(args.credit) then
    cap = "<figcaption>" .. '<span class="caption">' .. esc(args.caption or "") .. "</span>"
    if given(args.credit) then
      cap = cap .. ' <span class="credit">摄影：' .. esc(args.credit) .. "</span>"
    end
    cap = cap .. "</figcaption>"
  end
  local text = "【图片】" .. (args.caption or args.alt or "") ..
    (given(args.credit) and ("（摄影：" .. args.credit .. "）") or "")
  return {
    html = '<figure class="photo sc-figure"><img src="' .. esc(src_url(src)) .. '" alt="' ..
      esc(args.alt or args.caption or "") .. '" loading="lazy" decoding="async">' .. cap .. inner ..
      "</figure>",
    text = text .. "\n" .. ctx.text,
    print = print,
  }
end

-- ::: gallery title="大棚里的一天"
-- ![黄瓜](/photos/a.jpg "早上采摘")
-- ![装箱](/photos/b.jpg)
-- :::
shortcodes.gallery = function(args, inner)
  local title = ""
  if given(args.title) then
    title = '<p class="sc-gallery-title">' .. esc(args.title) .. "</p>"
  end
  local print = { { kind = "inner" } }
  if given(args.title) then
    table.insert(print, 1, { kind = "head", level = 4, text = args.title })
  end
  return {
    html = '<div class="sc-gallery" role="group" aria-label="' .. esc(args.title or "图集") .. '">' ..
      title .. inner .. "</div>",
    print = print,
  }
end

-- ::: policy-box title="扶贫小额信贷" amount="5万元以下" who="建档立卡贫困户" where="乡镇信用社" contact="…"
-- 其他说明（可选）。
-- :::
shortcodes["policy-box"] = function(args, inner)
  local rows = {
    { "amount", "金额" }, { "who", "对象" }, { "where", "申请地点" },
    { "when", "时间" }, { "contact", "咨询" },
  }
  local title = given(args.title) and args.title or "政策要点"
  local out = { '<aside class="policy-box" aria-label="政策要点">' }
  local children = {}
  out[#out + 1] = "<p class=\"policy-box-title\">" .. esc(title) .. "</p><dl>"
  for _, r in ipairs(rows) do
    local v = args[r[1]]
    if given(v) then
      out[#out + 1] = "<dt>" .. r[2] .. "</dt><dd>" .. esc(v) .. "</dd>"
      children[#children + 1] = { kind = "para", text = r[2] .. "：" .. v }
    end
  end
  out[#out + 1] = "</dl>" .. inner .. "</aside>"
  return {
    html = table.concat(out),
    print = { { kind = "box", title = title, children = children, inner = true } },
  }
end

-- ::: quote speaker="孟庆龙" role="大桥村养蜂户"
-- 蜂蜜甜，日子更甜。
-- :::
-- The attribution is one line, "——孟庆龙，大桥村养蜂户", in every output.
shortcodes.quote = function(args, inner)
  local who = need(args, "speaker", "quote")
  local by = "——" .. who .. (given(args.role) and ("，" .. args.role) or "")
  return {
    html = '<blockquote class="pull-quote">' .. inner ..
      '<footer><cite>' .. esc(by) .. "</cite></footer></blockquote>",
    print = { { kind = "quote", inner = true, attribution = by } },
  }
end

-- "3:20" as a script says it, "3分20秒": read aloud as written it is a
-- ratio or a time of day. What is not minutes and seconds stays as written.
local function spoken_duration(d)
  local h, m, s = d:match("^%s*(%d+):(%d%d):(%d%d)%s*$")
  if not h then
    m, s = d:match("^%s*(%d+):(%d%d)%s*$")
  end
  if not m then return d end
  h, m, s = tonumber(h or 0), tonumber(m), tonumber(s)
  local out = (h > 0 and (h .. "小时") or "") .. (m > 0 and (m .. "分") or "")
  if s > 0 or out == "" then out = out .. s .. "秒" end
  return out
end

-- ::: video src=/video/2019/bees.mp4 poster=/photos/2019/bees.jpg duration="3:20" title="甜蜜事业"
-- :::
-- Print shows the poster, the title and the address with a QR code.
shortcodes.video = function(args, inner, ctx)
  local src = need(args, "src", "video")
  local poster = args.poster and (' poster="' .. esc(src_url(args.poster)) .. '"') or ""
  local label, said = args.title or "", args.title or ""
  if given(args.duration) then
    label = label .. (label ~= "" and " · " or "") .. "时长 " .. args.duration
    said = said .. (said ~= "" and "，" or "") .. "时长" .. spoken_duration(args.duration)
  end
  local print = {}
  if given(args.poster) then
    local _, id = ctx.image(args.poster, { caption = args.title, alt = args.title })
    if id then print[#print + 1] = { kind = "image", id = id } end
  end
  local address = src
  if src:sub(1, 1) == "/" then address = url(src) end
  print[#print + 1] = { kind = "link", url = address, label = "【视频】" .. label }
  print[#print + 1] = { kind = "inner" }
  return {
    html = '<figure class="sc-video"><video controls preload="none"' .. poster .. ' src="' ..
      esc(src_url(src)) .. '"></video>' ..
      (label ~= "" and ("<figcaption>" .. esc(label) .. "</figcaption>") or "") .. inner .. "</figure>",
    text = "【视频】" .. said .. "\n" .. ctx.text,
    print = print,
  }
end

return { shortcodes = shortcodes }
