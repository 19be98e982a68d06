/*
 * media.c: image.h, pdf.h and qr.h for gazette-core.so, as calls into
 * gazette-media.so, loaded from beside it the first time one is made
 * (media.h says why).
 */
#include "media/media.h"

#include <pthread.h>
#include <stdatomic.h>

#include "base/i18n.h"
#include "base/module.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const gz_media_table *table;
static atomic_bool loaded;

static void load(void)
{
	table = gz_module_bind(GZ_MEDIA_SO, GZ_MEDIA_ENTRY, gz_media_signature(),
			       _("the photo, PDF and zip code"));
	atomic_store(&loaded, true);
}

static const gz_media_table *M(void)
{
	pthread_once(&once, load);
	return table;
}

bool gz_media_loaded(void)
{
	return atomic_load(&loaded);
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
		if (atomic_load(&loaded))                                                          \
			table->name args;                                                          \
	}
#include "media/media_list.h"
