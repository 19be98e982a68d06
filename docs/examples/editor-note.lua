-- Example 1: an editor's note box.
-- A paragraph that starts with 【编者按】 becomes a styled aside, so editors
-- keep writing plain Markdown and the site shows the note as a box.
return {
  paragraph = function(p)
    local text = p.text
    if text:sub(1, #"【编者按】") == "【编者按】" then
      local body = gz.esc(text:sub(#"【编者按】" + 1))
      return gz.node.html('<aside class="editor-note"><strong>编者按</strong>' .. body .. "</aside>")
    end
  end,
}
