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
	"label{display:block;margin:.4rem 0}input,select,textarea{display:block;width:100%;font:inherit;"
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
	"white-space:pre;overflow:auto}.gutter{flex:0 0 3.2rem;overflow:hidden;font:.8rem/1.5rem monospace;"
	"text-align:right;padding:.4rem .3rem;color:#999;background:#f2f0ec}.gutter .w{color:#b45309;"
	"font-weight:bold}.gutter .e{color:#b91c1c;font-weight:bold}\n"
	".findings li.warning::marker{content:\"⚠ \"}.findings li.error::marker{content:\"✖ \"}\n"
	"iframe{width:100%;height:36rem;border:1px solid #bbb;background:#fff}\n"
	"pre.text,pre.diff{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #ddd;"
	"padding:.5rem;max-height:30rem;overflow:auto}.diff .add{background:#e2f4e4}.diff .del{background:#fde8e8}\n"
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
 * check's findings are put beside the body's lines. */
const char desk_js[] =
	"(function(){var f=document.getElementById('page');if(!f)return;"
	"var t=document.getElementById('body'),g=document.getElementById('gutter'),"
	"fr=document.getElementById('preview'),ul=document.getElementById('findings'),"
	"timer=null,marks={};\n"
	"function gutter(){var n=t.value.split('\\n').length,h='';for(var i=1;i<=n;i++){var m=marks[i];"
	"h+='<div'+(m?' class=\"'+m.c+'\" title=\"'+m.t.replace(/\"/g,'&quot;')+'\"':'')+'>'+(m?(m.c=='e'?'✖':'⚠')+' ':'')+i+'</div>';}"
	"g.innerHTML=h;g.scrollTop=t.scrollTop;}\n"
	"function show(r){marks={};ul.innerHTML='';if(r.error){var li=document.createElement('li');"
	"li.className='error';li.textContent=r.error;ul.appendChild(li);gutter();return;}"
	"(r.findings||[]).forEach(function(x){var li=document.createElement('li');li.className=x.severity;"
	"var l=x.line-r.bodyLine+1;li.textContent=(l>0?ul.dataset.line.replace('%d',l):ul.dataset.page)+x.message;"
	"li.dataset.line=l;ul.appendChild(li);if(l>0)marks[l]={c:x.severity=='error'?'e':'w',t:x.message};});"
	"gutter();if(fr&&r.url)fr.src=r.url+'?t='+Date.now();}\n"
	"function send(){var d=new FormData(f);fetch('/desk/preview',{method:'POST',body:new URLSearchParams(d),"
	"credentials:'same-origin'}).then(function(r){return r.json();}).then(show).catch(function(){});}\n"
	"function later(){clearTimeout(timer);timer=setTimeout(send,600);}\n"
	"f.addEventListener('input',later);t.addEventListener('scroll',function(){g.scrollTop=t.scrollTop;});"
	"ul.addEventListener('click',function(e){var l=+e.target.dataset.line;if(l>0){var a=t.value.split('\\n'),"
	"p=0;for(var i=0;i<l-1;i++)p+=a[i].length+1;t.focus();t.setSelectionRange(p,p+a[l-1].length);}});"
	"gutter();send();})();\n";

