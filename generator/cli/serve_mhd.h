/*
 * serve_mhd.h: libmicrohttpd, for the preview server (serve) and the
 * editing desk, behind one table.
 *
 * libmicrohttpd brings GnuTLS and nine libraries under it: loading them
 * took a third of the time every command spent starting, and only `serve`
 * and `desk` use them. So libmicrohttpd is linked into gazette-http.so
 * (serve_mhdapi.c), and gazette-core.so defines each function of
 * serve_mhd_list.h itself (serve_mhd.c), as a call through the table that
 * module hands out, loaded the first time one is called. The code that
 * serves calls libmicrohttpd as declared in microhttpd.h, unchanged. The
 * unit tests link libmicrohttpd itself.
 */
#ifndef GZ_SERVE_MHD_H
#define GZ_SERVE_MHD_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "base/hash.h"
#include "base/module.h"

/* The module, beside gazette-core.so. */
#define GZ_HTTP_SO "gazette-http.so"

typedef struct {
	uint64_t (*signature)(void); /* gz_module_head */
#define GZ_MHD_FN(ret, name, params, args) ret(*name) params;
#include "cli/serve_mhd_list.h"
} gz_mhd_table;

/* The list's text, hashed entry by entry, on both sides (module.h). */
static inline uint64_t gz_mhd_signature(void)
{
	static const char *const entries[] = {
#define GZ_MHD_FN(ret, name, params, args) #ret " " #name #params,
#include "cli/serve_mhd_list.h"
	};
	return gz_module_signature(entries, sizeof(entries) / sizeof(entries[0]));
}

/* In gazette-http.so: its table, found with dlsym(GZ_MHD_ENTRY). */
#define GZ_MHD_ENTRY "gz_mhd_bind"
const gz_mhd_table *gz_mhd_bind(void);

#endif
