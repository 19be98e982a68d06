/* pattern.c against Lua's own string library: the same results and errors
 * for random subjects and patterns, and the step count that stops a
 * pattern that backtracks without end. */
#include <lauxlib.h>
#include <lualib.h>

#include "lua/pattern.h"
#include "test.h"

static long charged, stop_at;

static void charge(lua_State *L, long steps)
{
	charged += steps;
	if (stop_at && charged > stop_at)
		luaL_error(L, "stopped after %d steps", (int)charged);
}

/* A state whose string library is pattern.c's, with Lua's own functions
 * kept as lua_find, lua_match, lua_gmatch and lua_gsub. */
static lua_State *state(void)
{
	static const char *const names[] = {"find", "match", "gmatch", "gsub", NULL};
	lua_State *L = luaL_newstate();
	char global[32];
	int i;

	luaL_openlibs(L);
	lua_getglobal(L, "string");
	for (i = 0; names[i]; i++) {
		lua_getfield(L, -1, names[i]);
		snprintf(global, sizeof(global), "lua_%s", names[i]);
		lua_setglobal(L, global);
	}
	gz_pattern_open(L, -1, charge);
	lua_pop(L, 1);
	return L;
}

/* Random subjects and patterns from pieces that make every rule and most
 * errors likely; Lua's functions and ours must agree on each. */
static const char differential[] =
	"math.randomseed(22)\n"
	"local pieces = {'a','b','.','%a','%d','%w','%s','%A','[ab]','[^a]','[a-c]','[%a]',\n"
	"  '[]]','[^]]','%b()','%bab','%f[%w]','%f[%W]','(',')','()','%1','%2','%0','*','+',\n"
	"  '-','?','^','$','%','[',']','x','\\0','%%','%]','[a-]','[-a]','%.','%z','%x'}\n"
	"local chars = {'a','b','(',')','x','1',' ','-','%',']','[','\\0','\\xe9','$','^','.'}\n"
	"local function pick(t, n)\n"
	"  local r = {}\n"
	"  for i = 1, math.random(0, n) do r[#r + 1] = t[math.random(#t)] end\n"
	"  return table.concat(r)\n"
	"end\n"
	"local function norm(m) return (tostring(m):gsub('^[^:]*:%d+: ', ''):gsub(\"to '[^']*'\", ''))\n"
	"end\n"
	"local function pack(ok, ...) return {ok = ok, n = select('#', ...), ...} end\n"
	"local function same(a, b)\n"
	"  if a.ok ~= b.ok then return false end\n"
	"  if not a.ok then return norm(a[1]) == norm(b[1]) end\n"
	"  if a.n ~= b.n then return false end\n"
	"  for i = 1, a.n do if a[i] ~= b[i] then return false end end\n"
	"  return true\n"
	"end\n"
	"local function all(gmatch, s, p, init)\n"
	"  local out = {}\n"
	"  for a, b in gmatch(s, p, init) do\n"
	"    out[#out + 1] = tostring(a) .. '|' .. tostring(b)\n"
	"    if #out > 20 then break end\n"
	"  end\n"
	"  return table.concat(out, ';')\n"
	"end\n"
	"local reps = {'<%0>', '%1', '%%', 'x%', '[%2]', {a = 'A', ['()'] = 'P'}, 7,\n"
	"  function(a, b) if a == 'a' then return nil end return 'F' .. tostring(a) .. tostring(b) end}\n"
	"local bad = {}\n"
	"for i = 1, 20000 do\n"
	"  local s, p, init = pick(chars, 12), pick(pieces, 8), math.random(-10, 10)\n"
	"  local r, max = reps[math.random(#reps)], math.random(3) == 1 and math.random(0, 3) or nil\n"
	"  local plain = math.random(4) == 1\n"
	"  local cases = {\n"
	"    {'find', pack(pcall(lua_find, s, p, init, plain)), pack(pcall(string.find, s, p, init, plain))},\n"
	"    {'match', pack(pcall(lua_match, s, p, init)), pack(pcall(string.match, s, p, init))},\n"
	"    {'gmatch', pack(pcall(all, lua_gmatch, s, p, init)), pack(pcall(all, string.gmatch, s, p, init))},\n"
	"    {'gsub', pack(pcall(lua_gsub, s, p, r, max)), pack(pcall(string.gsub, s, p, r, max))},\n"
	"  }\n"
	"  for _, c in ipairs(cases) do\n"
	"    if not same(c[2], c[3]) and #bad < 5 then\n"
	"      bad[#bad + 1] = string.format('%s(%q, %q, %d)', c[1], s, p, init)\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return table.concat(bad, '\\n')\n";

static void same_as_lua(void)
{
	lua_State *L = state();

	charged = stop_at = 0;
	if (luaL_dostring(L, differential) != LUA_OK) {
		CHECK_STR(lua_tostring(L, -1), "");
	} else {
		CHECK_STR(lua_tostring(L, -1), "");
	}
	CHECK(charged > 0);
	lua_close(L);
}

static void stops(void)
{
	static const char *const runaway[] = {
		"return string.find(string.rep('a', 3000), '.-.-.-.-.-x')",
		"return string.match(string.rep('a', 3000), '(a*)*a*a*b')",
		"for w in string.rep('a', 3000):gmatch('a*a*a*a*b') do end",
		"return string.gsub(string.rep('a', 3000), '(.-)(.-)(.-)x', '%1')",
		"return string.find(string.rep('(', 3000) .. 'x', '%b()%b()%b()y')",
		NULL,
	};
	lua_State *L = state();
	int i;

	for (i = 0; runaway[i]; i++) {
		charged = 0;
		stop_at = 1000000;
		CHECK(luaL_dostring(L, runaway[i]) != LUA_OK);
		CHECK(strstr(lua_tostring(L, -1), "stopped after"));
		lua_pop(L, 1);
	}
	/* a plain find is linear, and counted by the bytes it looks at */
	charged = 0;
	stop_at = 0;
	CHECK(luaL_dostring(L, "return string.find(string.rep('a', 1e6), 'ab', 1, true)") == LUA_OK);
	CHECK(lua_isnil(L, -1));
	CHECK(charged > 1000 && charged < 100000);
	lua_close(L);
}

void suite_pattern(void)
{
	gz_test_run("pattern_same_as_lua", same_as_lua);
	gz_test_run("pattern_stops", stops);
}
