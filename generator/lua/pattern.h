/*
 * pattern.h: Lua's string patterns, with every step counted.
 *
 * string.find, match, gmatch and gsub run in C, where Lua's count hook never
 * fires, and the matcher backtracks: ".-.-.-.-.-x" against 3,000 bytes
 * would run for days, out of reach of any instruction limit. This module
 * has the same four functions, to the rules of the Lua 5.4 reference manual
 * (§6.4.1) and with the same results and errors, but the matcher reports
 * what it does to a callback, which may stop it by raising a Lua error. A
 * plain find uses memmem, which is linear, and is counted by the bytes it
 * looks at.
 *
 * Part of the Lua bridge (script.h): only the sandbox installs it.
 */
#ifndef GZ_PATTERN_H
#define GZ_PATTERN_H

#include <lua.h>

/* Called with the steps taken since the last call (a few thousand at a
 * time); may raise a Lua error, which leaves no C memory behind. */
typedef void (*gz_pattern_charge)(lua_State *L, long steps);

/* Replace find, match, gmatch and gsub in the table at idx (the string
 * library, which is also strings' __index). */
void gz_pattern_open(lua_State *L, int idx, gz_pattern_charge charge);

#endif
