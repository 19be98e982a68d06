/*
 * serve_mhd.c: libmicrohttpd's functions for gazette-core.so, as calls into
 * gazette-http.so, loaded from beside it the first time a server starts
 * (serve_mhd.h says why).
 */
#include "cli/serve_mhd.h"


#include "base/i18n.h"

static gz_module http = GZ_MODULE(GZ_HTTP_SO, GZ_MHD_ENTRY, gz_mhd_signature,
				 N_("the web server of serve and desk"));

static const gz_mhd_table *H(void)
{
	return gz_module_table(&http);
}

#define GZ_MHD_FN(ret, name, params, args)                                                         \
	ret name params                                                                            \
	{                                                                                          \
		return H()->name args;                                                             \
	}
#define GZ_MHD_VOID(name, params, args)                                                            \
	void name params                                                                           \
	{                                                                                          \
		H()->name args;                                                                    \
	}
#include "cli/serve_mhd_list.h"

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
				    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;

	va_start(ap, dh_cls);
	d = H()->MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}
