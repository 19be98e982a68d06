-- The default theme's shortcodes. Editors write them in Markdown as fenced
-- blocks that read well in any preview:
--
--   ::: quote speaker="孟庆龙" role="大桥村养蜂户"
--   蜂蜜甜，日子更甜。
--   :::
--
-- Each function gets the arguments (a table), the HTML of the inner
-- Markdown, and the page ({path=}); it returns HTML. Arguments are the
-- editor's text: escape them with gz.esc.

local esc = gz.esc

local function need(args, key, name)
  local v = args[key]
  if v == nil or v == "" then
    error(name .. " needs " .. key .. "=…", 0)
  end
  return v
end

local function src_url(src)
  -- site-absolute paths get the base path; bundle-relative names stay
  if src:sub(1, 1) == "/" then return relurl(src) end
  return src
end

local shortcodes = {}

-- ::: figure src=/photos/2019/a.jpg caption="蜂箱" credit="孙昊" alt="…"
shortcodes.figure = function(args, inner)
  local src = need(args, "src", "figure")
  local alt = args.alt or args.caption or ""
  local cap = ""
  if (args.caption or "") ~= "" or (args.credit or "") ~= "" then
    cap = "<figcaption>" .. esc(args.caption or "")
    if (args.credit or "") ~= "" then
      cap = cap .. ' <span class="credit">' .. esc(args.credit) .. "</span>"
    end
    cap = cap .. "</figcaption>"
  end
  return '<figure class="sc-figure"><img src="' .. esc(src_url(src)) .. '" alt="' .. esc(alt) ..
    '" loading="lazy" decoding="async">' .. cap .. inner .. "</figure>"
end

-- ::: gallery title="大棚里的一天"
-- ![黄瓜](/photos/a.jpg "早上采摘")
-- ![装箱](/photos/b.jpg)
-- :::
shortcodes.gallery = function(args, inner)
  local title = ""
  if (args.title or "") ~= "" then
    title = '<p class="sc-gallery-title">' .. esc(args.title) .. "</p>"
  end
  return '<div class="sc-gallery" role="group" aria-label="' .. esc(args.title or "图集") .. '">' ..
    title .. inner .. "</div>"
end

-- ::: policy-box title="扶贫小额信贷" amount="5万元以下" who="建档立卡贫困户" where="乡镇信用社" contact="…"
-- 其他说明（可选）。
-- :::
shortcodes["policy-box"] = function(args, inner)
  local rows = {
    { "amount", "金额" }, { "who", "对象" }, { "where", "申请地点" },
    { "when", "时间" }, { "contact", "咨询" },
  }
  local out = { '<aside class="policy-box" aria-label="政策要点">' }
  out[#out + 1] = "<p class=\"policy-box-title\">" .. esc(args.title or "政策要点") .. "</p><dl>"
  for _, r in ipairs(rows) do
    local v = args[r[1]]
    if v and v ~= "" then
      out[#out + 1] = "<dt>" .. r[2] .. "</dt><dd>" .. esc(v) .. "</dd>"
    end
  end
  out[#out + 1] = "</dl>" .. inner .. "</aside>"
  return table.concat(out)
end

-- ::: quote speaker="孟庆龙" role="大桥村养蜂户"
-- 蜂蜜甜，日子更甜。
-- :::
shortcodes.quote = function(args, inner)
  local who = need(args, "speaker", "quote")
  local role = (args.role or "") ~= "" and ("，" .. esc(args.role)) or ""
  return '<blockquote class="pull-quote">' .. inner ..
    '<footer>—— <cite>' .. esc(who) .. "</cite>" .. role .. "</footer></blockquote>"
end

-- ::: video src=/video/2019/bees.mp4 poster=/photos/2019/bees.jpg duration="3:20" title="甜蜜事业"
-- :::
shortcodes.video = function(args, inner)
  local src = need(args, "src", "video")
  local poster = args.poster and (' poster="' .. esc(src_url(args.poster)) .. '"') or ""
  local cap = esc(args.title or "")
  if (args.duration or "") ~= "" then
    cap = cap .. (cap ~= "" and " · " or "") .. "时长 " .. esc(args.duration)
  end
  return '<figure class="sc-video"><video controls preload="none"' .. poster .. ' src="' ..
    esc(src_url(src)) .. '"></video>' ..
    (cap ~= "" and ("<figcaption>" .. cap .. "</figcaption>") or "") .. inner .. "</figure>"
end

return { shortcodes = shortcodes }
