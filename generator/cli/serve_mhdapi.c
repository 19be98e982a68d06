/* serve_mhdapi.c: gazette-http.so's one entry point (serve_mhd.h). */
#include "cli/serve_mhd.h"

__attribute__((visibility("default"))) const gz_mhd_table *gz_mhd_bind(void);

const gz_mhd_table *gz_mhd_bind(void)
{
	static const gz_mhd_table table = {
	    .signature = gz_mhd_signature,
#define GZ_MHD_FN(ret, name, params, args) .name = name,
#include "cli/serve_mhd_list.h"
	};
	return &table;
}
