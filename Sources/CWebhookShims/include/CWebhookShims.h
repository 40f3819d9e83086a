// Static-inline wrappers for what Swift cannot import: OpenSSL function-like macros,
// epoll (not in the Glibc module), accept4, and the C stdio globals.
#ifndef CWEBHOOK_SHIMS_H
#define CWEBHOOK_SHIMS_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <stdint.h>

// --- OpenSSL macros ---
static inline long cws_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline long cws_SSL_set_mode(SSL *ssl, long mode) { return SSL_set_mode(ssl, mode); }
static inline int cws_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_min_proto_version(ctx, version); }
static inline int cws_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_max_proto_version(ctx, version); }
static inline long cws_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_session_cache_mode(ctx, mode); }
static inline long cws_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
static inline size_t cws_BIO_pending(BIO *bio) { return BIO_pending(bio); }
static inline int cws_SSL_set_tlsext_host_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
static inline uint64_t cws_SSL_OP_ALL(void) { return (uint64_t)SSL_OP_ALL; }
static inline uint64_t cws_SSL_OP_NO_RENEGOTIATION(void) { return (uint64_t)SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t cws_SSL_OP_CIPHER_SERVER_PREFERENCE(void) { return (uint64_t)SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline uint64_t cws_SSL_OP_NO_COMPRESSION(void) { return (uint64_t)SSL_OP_NO_COMPRESSION; }
static inline uint64_t cws_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return (uint64_t)SSL_OP_IGNORE_UNEXPECTED_EOF; }

// --- epoll / sockets (defined in shims.c with _GNU_SOURCE) ---
int cws_accept4_nonblocking(int fd, struct sockaddr *addr, socklen_t *len);

// --- stdio globals are not usable from Swift 6 ---
void cws_ERR_print_errors_stderr(void);

#endif
