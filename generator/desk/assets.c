/*
 * assets.c: the desk's stylesheet and script, served from memory.
 */
#include "desk/internal.h"

const char desk_css[] =
	":root{--sans:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Source Han Sans CN\",\"PingFang SC\","
	"\"Hiragino Sans GB\",\"Microsoft YaHei\",sans-serif;--accent:#9b1c1c}\n"
	"*{box-sizing:border-box}body{margin:0;font-family:var(--sans);font-size:16px;line-height:1.6;"
	"color:#222;background:#f6f4f0}\n"
	".bar{display:flex;flex-wrap:wrap;gap:.5rem;justify-content:space-between;align-items:center;"
	"padding:.5rem 1rem;background:var(--accent);color:#fff}.bar a{color:#fff;font-weight:bold;"
	"text-decoration:none}.bar form{display:flex;gap:.5rem;align-items:center}\n"
	"main{max-width:72rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem}h2{font-size:1.15rem}\n"
	".card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;margin:0 0 1rem}"
	".login{max-width:26rem}\n"
	"label{display:block;margin:.4rem 0}.hint{display:block;margin:-.2rem 0 .4rem;color:#555}input,select,textarea{display:block;width:100%;font:inherit;"
	"padding:.4rem;border:1px solid #bbb;border-radius:4px;min-height:2.5rem}\n"
	"button,.button{font:inherit;padding:.45rem 1rem;border:1px solid #888;border-radius:4px;"
	"background:#fff;color:#222;text-decoration:none;display:inline-block;min-height:2.5rem;cursor:pointer}\n"
	".primary{background:var(--accent);color:#fff;border-color:var(--accent)}\n"
	".row{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.5rem}\n"
	".pages{list-style:none;padding:0}.pages li{padding:.5rem 0;border-bottom:1px solid #e4e0d8}\n"
	".meta{color:#666;font-size:.9rem}.st{padding:0 .3rem;border-radius:3px;background:#eee;white-space:nowrap}"
	".st-review{background:#fff2c6}.st-draft{background:#e6eefc}.st-published{background:#e2f4e4}\n"
	".err{background:#fde8e8;border:1px solid #e0a0a0;padding:.6rem;border-radius:4px}"
	".ok{background:#e2f4e4;padding:.6rem;border-radius:4px}\n"
	".md{display:flex;border:1px solid #bbb;border-radius:4px;background:#fff}"
	".md textarea{border:0;min-height:24rem;font-family:monospace,var(--sans);line-height:1.5rem;"
	"white-space:pre-wrap;overflow-wrap:anywhere;overflow-x:hidden;overflow-y:auto}"
	".gutter{flex:0 0 3.2rem;overflow:hidden;font:.8rem/1.5rem monospace;"
	"text-align:right;padding:.4rem .3rem;color:#999;background:#f2f0ec}.gutter div{overflow:hidden}.gutter .w{color:#b45309;"
	"font-weight:bold}.gutter .e{color:#b91c1c;font-weight:bold}\n"
	".findings li.warning::marker{content:\"⚠ \"}.findings li.error::marker{content:\"✖ \"}\n"
	"iframe{width:100%;height:36rem;border:1px solid #bbb;background:#fff}\n"
	"pre.text,pre.diff{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #ddd;"
	"padding:.5rem;max-height:30rem;overflow:auto}.diff .add{background:#e2f4e4}.diff .del{background:#fde8e8}"
	".diff .gap{color:#999}\n"
	".warn{background:#fff7e0;border:1px solid #e8cf8a;padding:.6rem;border-radius:4px}"
	".err ul,.warn ul{margin:.3rem 0;padding-left:1.4rem}\n"
	".change h3{font-size:1rem;margin:.8rem 0 .3rem;word-break:break-all}.change h4{font-size:.95rem;margin:.5rem 0 .2rem}"
	"table.fields{border-collapse:collapse;width:100%;background:#fff;margin:.3rem 0}"
	".fields th,.fields td{border:1px solid #e4e0d8;padding:.3rem .5rem;text-align:left;vertical-align:top;"
	"word-break:break-word}.fields th{width:30%;font-weight:normal;color:#555;background:#f7f5f1}\n"
	/* a changed field's line breaks (a title's, for print) read as breaks,
	 * not as a space the field does not have */
	".fields td{white-space:pre-line}\n"
	"del{background:#fde8e8;text-decoration:line-through}ins{background:#e2f4e4;text-decoration:none}"
	".file{display:flex;gap:.6rem;align-items:center}.thumb{width:8rem;max-height:6rem;object-fit:cover;"
	"border:1px solid #ddd}\n"
	/* the title's box does not wrap, as a one-line field does not: each
	 * line it shows is one the editor broke, as print will set it */
	"#title{resize:none;white-space:pre;overflow-x:auto;overflow-y:hidden}\n"
	"fieldset.photo{border:1px solid #ddd;margin:.6rem 0}.search{display:flex;gap:.5rem}"
	".search input{flex:1;min-width:0}.search button{flex:none;white-space:nowrap}\n"
	/* wide: the fields on the left, the preview beside them and staying in
	 * view while the body is written */
	"@media(min-width:60rem){.editor{display:grid;grid-template-columns:1fr 1fr;gap:0 1rem;"
	"align-items:start}.editor>form,.editor>p{grid-column:1}.editor>.preview{grid-column:2;"
	"grid-row:1/span 3;position:sticky;top:0}.editor>.preview h2{margin-top:0}"
	".editor iframe{height:calc(100vh - 4rem)}"
	".two{display:grid;grid-template-columns:1fr 1fr;gap:1rem}}\n";

/* The live preview: the form is sent a moment after typing stops; the
 * check's findings are put beside the body's lines. A Chinese paragraph
 * is one line of Markdown, hundreds of characters long, so the body
 * wraps; each number in the gutter is then as tall as its line is on the
 * screen, measured in a hidden copy of the text area's column. The
 * title's box grows a line for each line break typed in it. */
const char desk_js[] =
	"(function(){var f=document.getElementById('page');if(!f)return;"
	"var t=document.getElementById('body'),g=document.getElementById('gutter'),"
	"fr=document.getElementById('preview'),ul=document.getElementById('findings'),"
	"timer=null,marks={};\n"
	"ul.querySelectorAll('li').forEach(function(li){var l=+li.dataset.line;"
	"if(l>0)marks[l]={c:li.className=='error'?'e':'w',t:li.textContent};});\n"
	"var mir=document.createElement('div');mir.setAttribute('aria-hidden','true');document.body.appendChild(mir);\n"
	"function tall(a){var s=getComputedStyle(t),w=t.clientWidth-parseFloat(s.paddingLeft)-parseFloat(s.paddingRight);"
	"mir.style.cssText='position:absolute;left:-9999px;top:0;visibility:hidden;white-space:pre-wrap;"
	"overflow-wrap:anywhere;width:'+w+'px;font-family:'+s.fontFamily+';font-size:'+s.fontSize+';"
	"line-height:'+s.lineHeight+';letter-spacing:'+s.letterSpacing+';tab-size:'+s.tabSize;"
	"mir.textContent='';a.forEach(function(l){var d=document.createElement('div');d.textContent=l||'\\u200b';"
	"mir.appendChild(d);});return Array.prototype.map.call(mir.children,function(d){"
	"return d.getBoundingClientRect().height;});}\n"
	"function gutter(){var a=t.value.split('\\n'),hs=tall(a);g.textContent='';"
	"a.forEach(function(l,k){var i=k+1,m=marks[i],d=document.createElement('div');d.style.height=hs[k]+'px';"
	"if(m){d.className=m.c;d.title=m.t;}d.textContent=(m?(m.c=='e'?'✖':'⚠')+' ':'')+i;g.appendChild(d);});"
	"g.scrollTop=t.scrollTop;}\n"
	"function show(r){marks={};ul.innerHTML='';if(r.error){var li=document.createElement('li');"
	"li.className='error';li.textContent=r.error;ul.appendChild(li);gutter();return;}"
	"(r.findings||[]).forEach(function(x){var li=document.createElement('li');li.className=x.severity;"
	"var l=x.line-r.bodyLine+1;li.textContent=(l>0?(x.col>0?ul.dataset.lineCol.replace('%d',l).replace('%d',x.col)"
	":ul.dataset.line.replace('%d',l)):ul.dataset.page)+x.message;"
	"li.dataset.line=l;ul.appendChild(li);if(l>0)marks[l]={c:x.severity=='error'?'e':'w',t:x.message};});"
	"gutter();if(fr&&r.url)fr.src=r.url+'?t='+Date.now();}\n"
	"function send(){var d=new FormData(f);fetch('/desk/preview',{method:'POST',body:new URLSearchParams(d),"
	"credentials:'same-origin'}).then(function(r){return r.json();}).then(show).catch(function(){});}\n"
	"function later(){clearTimeout(timer);timer=setTimeout(send,600);}\n"
	"var di=f.querySelector('input[type=date]'),dz=document.getElementById('date-zh');"
	"if(di&&dz)di.addEventListener('input',function(){var m=/^(\\d+)-(\\d+)-(\\d+)$/.exec(di.value);"
	"dz.textContent=m?+m[1]+'\\u5e74'+(+m[2])+'\\u6708'+(+m[3])+'\\u65e5':'';});\n"
	"var ti=document.getElementById('title');function grow(){ti.style.height='auto';"
	"ti.style.height=ti.scrollHeight+ti.offsetHeight-ti.clientHeight+'px';}\n"
	"if(ti){ti.addEventListener('input',grow);window.addEventListener('resize',grow);grow();}\n"
	"f.addEventListener('input',later);t.addEventListener('input',gutter);"
	"window.addEventListener('resize',gutter);if(window.ResizeObserver)new ResizeObserver(gutter).observe(t);"
	"t.addEventListener('scroll',function(){g.scrollTop=t.scrollTop;});"
	"ul.addEventListener('click',function(e){var l=+e.target.dataset.line;if(l>0){var a=t.value.split('\\n'),"
	"p=0;for(var i=0;i<l-1;i++)p+=a[i].length+1;t.focus();t.setSelectionRange(p,p+a[l-1].length);}});"
	"gutter();send();})();\n";

