/*
 * serve_mhd_list.h: the functions of libmicrohttpd gazette calls, listed
 * once (serve_mhd.h says why they go through a table).
 *
 *   GZ_MHD_FN(ret, name, params, args)   returns ret
 *   GZ_MHD_VOID(name, params, args)      returns nothing
 *
 * params is the parameter list as microhttpd.h declares it, args the names
 * passed on. MHD_get_daemon_info and MHD_get_connection_info pass on their
 * two fixed arguments only: every kind of information gazette asks for
 * takes no more. MHD_start_daemon is serve_mhd.c's own, through
 * MHD_start_daemon_va. A function of libmicrohttpd called and not listed
 * here is an undefined symbol when gazette-core.so is linked.
 */
#ifndef GZ_MHD_VOID
#define GZ_MHD_VOID(name, params, args) GZ_MHD_FN(void, name, params, args)
#endif

/* clang-format off */
GZ_MHD_FN(struct MHD_Daemon *, MHD_start_daemon_va,
	  (unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls,
	   MHD_AccessHandlerCallback dh, void *dh_cls, va_list ap),
	  (flags, port, apc, apc_cls, dh, dh_cls, ap))
GZ_MHD_VOID(MHD_stop_daemon, (struct MHD_Daemon *daemon), (daemon))
GZ_MHD_FN(const union MHD_DaemonInfo *, MHD_get_daemon_info,
	  (struct MHD_Daemon *daemon, enum MHD_DaemonInfoType info_type, ...),
	  (daemon, info_type))
GZ_MHD_FN(const union MHD_ConnectionInfo *, MHD_get_connection_info,
	  (struct MHD_Connection *connection, enum MHD_ConnectionInfoType info_type, ...),
	  (connection, info_type))
GZ_MHD_FN(int, MHD_get_connection_values,
	  (struct MHD_Connection *connection, enum MHD_ValueKind kind,
	   MHD_KeyValueIterator iterator, void *iterator_cls),
	  (connection, kind, iterator, iterator_cls))
GZ_MHD_FN(const char *, MHD_lookup_connection_value,
	  (struct MHD_Connection *connection, enum MHD_ValueKind kind, const char *key),
	  (connection, kind, key))
GZ_MHD_VOID(MHD_suspend_connection, (struct MHD_Connection *connection), (connection))
GZ_MHD_VOID(MHD_resume_connection, (struct MHD_Connection *connection), (connection))
GZ_MHD_FN(struct MHD_Response *, MHD_create_response_from_buffer,
	  (size_t size, void *buffer, enum MHD_ResponseMemoryMode mode),
	  (size, buffer, mode))
GZ_MHD_FN(struct MHD_Response *, MHD_create_response_from_callback,
	  (uint64_t size, size_t block_size, MHD_ContentReaderCallback crc, void *crc_cls,
	   MHD_ContentReaderFreeCallback crfc),
	  (size, block_size, crc, crc_cls, crfc))
GZ_MHD_FN(struct MHD_Response *, MHD_create_response_from_fd64, (uint64_t size, int fd),
	  (size, fd))
GZ_MHD_FN(enum MHD_Result, MHD_add_response_header,
	  (struct MHD_Response *response, const char *header, const char *content),
	  (response, header, content))
GZ_MHD_FN(enum MHD_Result, MHD_queue_response,
	  (struct MHD_Connection *connection, unsigned int status_code,
	   struct MHD_Response *response),
	  (connection, status_code, response))
GZ_MHD_VOID(MHD_destroy_response, (struct MHD_Response *response), (response))
GZ_MHD_FN(struct MHD_PostProcessor *, MHD_create_post_processor,
	  (struct MHD_Connection *connection, size_t buffer_size, MHD_PostDataIterator iter,
	   void *iter_cls),
	  (connection, buffer_size, iter, iter_cls))
GZ_MHD_FN(enum MHD_Result, MHD_post_process,
	  (struct MHD_PostProcessor *pp, const char *post_data, size_t post_data_len),
	  (pp, post_data, post_data_len))
GZ_MHD_FN(enum MHD_Result, MHD_destroy_post_processor, (struct MHD_PostProcessor *pp), (pp))
/* clang-format on */

#undef GZ_MHD_FN
#undef GZ_MHD_VOID
