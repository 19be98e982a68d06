/*
 * media.c: image.h, pdf.h and qr.h for gazette-core.so, as calls into
 * gazette-media.so, loaded from beside it the first time one is made
 * (media.h says why).
 */
#include "media/media.h"

#include "base/i18n.h"
#include "base/module.h"

static gz_module media = GZ_MODULE(GZ_MEDIA_SO, GZ_MEDIA_ENTRY, gz_media_signature,
				   N_("the photo, PDF and zip code"));

static const gz_media_table *M(void)
{
	return gz_module_table(&media);
}

bool gz_media_loaded(void)
{
	return gz_module_loaded(&media);
}

/* Each function of media_list.h: load the library, then call its own.
 * libvips is shut down only if it was loaded: never loaded just for that. */
#define GZ_MEDIA_FN(ret, name, params, args)                                                       \
	ret name params                                                                            \
	{                                                                                          \
		return M()->name args;                                                             \
	}
#define GZ_MEDIA_VOID(name, params, args)                                                          \
	void name params                                                                           \
	{                                                                                          \
		M()->name args;                                                                    \
	}
#define GZ_MEDIA_IF_LOADED(name, params, args)                                                     \
	void name params                                                                           \
	{                                                                                          \
		if (gz_module_loaded(&media))                                                      \
			M()->name args;                                                            \
	}
#include "media/media_list.h"
