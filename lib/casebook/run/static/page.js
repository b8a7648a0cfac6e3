// Sorting and filtering for every casebook table, and figures fitted to the printed page.
(function(){
function text(c){return (c.innerText||c.textContent||"").trim();}
function key(s){var n=s.replace(/[,\s]/g,"");return /^-?\d+(\.\d+)?$/.test(n)?[0,parseFloat(n)]:[1,s.toLowerCase()];}
document.querySelectorAll("table.casebook-table").forEach(function(table){
  var body=table.tBodies[0];if(!body||body.rows.length<2)return;
  var input=document.createElement("input");input.type="search";input.className="table-filter";
  input.placeholder="Filter these "+body.rows.length+" rows";input.setAttribute("aria-label","Filter the table");
  table.parentNode.insertBefore(input,table);
  input.addEventListener("input",function(){var q=input.value.toLowerCase();
    Array.prototype.forEach.call(body.rows,function(r){r.style.display=text(r).toLowerCase().indexOf(q)<0?"none":"";});});
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.classList.add("sortable");th.setAttribute("tabindex","0");th.setAttribute("aria-sort","none");
    function sort(){var asc=th.getAttribute("aria-sort")!=="ascending";
      Array.prototype.forEach.call(th.parentNode.cells,function(o){o.setAttribute("aria-sort","none");});
      th.setAttribute("aria-sort",asc?"ascending":"descending");
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){var x=key(text(a.cells[i])),y=key(text(b.cells[i]));
        var d=x[0]-y[0]||(x[1]<y[1]?-1:x[1]>y[1]?1:0);return asc?d:-d;});
      rows.forEach(function(r){body.appendChild(r);});}
    th.addEventListener("click",sort);th.addEventListener("keydown",function(e){if(e.key==="Enter")sort();});});
});
var print=window.matchMedia("print");
function fit(){if(!window.Plotly)return;
  document.querySelectorAll(".casebook-figure").forEach(function(d){if(!d._fullLayout)return;
    if(print.matches){d.dataset.printed="1";Plotly.relayout(d,{width:PRINT_WIDTH});}
    else if(d.dataset.printed){delete d.dataset.printed;
      Plotly.relayout(d,{width:null,autosize:true});}});}
if(print.addEventListener)print.addEventListener("change",fit);
window.addEventListener("beforeprint",fit);window.addEventListener("afterprint",fit);
})();
