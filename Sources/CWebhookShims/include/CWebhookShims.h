// Static-inline wrappers for what Swift cannot import: OpenSSL function-like macros,
// epoll (not in the Glibc module), accept4 and malloc_trim.
#ifndef CWEBHOOK_SHIMS_H
#define CWEBHOOK_SHIMS_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <stdint.h>
#include <malloc.h>

// --- OpenSSL macros ---
static inline long cws_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline int cws_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_min_proto_version(ctx, version); }
static inline void cws_SSL_CTX_set_read_ahead(SSL_CTX *ctx, int yes) { SSL_CTX_set_read_ahead(ctx, yes); }
static inline long cws_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_session_cache_mode(ctx, mode); }
static inline int cws_SSL_set_tlsext_host_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
static inline uint64_t cws_SSL_OP_ALL(void) { return (uint64_t)SSL_OP_ALL; }
static inline uint64_t cws_SSL_OP_NO_RENEGOTIATION(void) { return (uint64_t)SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t cws_SSL_OP_CIPHER_SERVER_PREFERENCE(void) { return (uint64_t)SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline uint64_t cws_SSL_OP_NO_COMPRESSION(void) { return (uint64_t)SSL_OP_NO_COMPRESSION; }
static inline uint64_t cws_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return (uint64_t)SSL_OP_IGNORE_UNEXPECTED_EOF; }

// --- epoll / eventfd / sockets (epoll_event is packed on x86_64: keep its layout on the C side) ---
int cws_accept4_nonblocking(int fd, struct sockaddr *addr, socklen_t *len);
static inline int cws_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }
static inline int cws_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}
#define CWS_EPOLL_MAX_EVENTS 128
/// Waits like epoll_wait, copying each event's data and flags into the two arrays (at most CWS_EPOLL_MAX_EVENTS).
static inline int cws_epoll_wait(int epfd, uint64_t *datas, uint32_t *flags, int maxEvents, int timeoutMs) {
    struct epoll_event evs[CWS_EPOLL_MAX_EVENTS];
    if (maxEvents > CWS_EPOLL_MAX_EVENTS) maxEvents = CWS_EPOLL_MAX_EVENTS;
    int n = epoll_wait(epfd, evs, maxEvents, timeoutMs);
    for (int i = 0; i < n; i++) { datas[i] = evs[i].data.u64; flags[i] = evs[i].events; }
    return n;
}
static inline int cws_eventfd_create(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
static inline uint32_t cws_EPOLLIN(void) { return EPOLLIN; }
static inline uint32_t cws_EPOLLOUT(void) { return EPOLLOUT; }
static inline uint32_t cws_EPOLLERR(void) { return EPOLLERR; }
static inline uint32_t cws_EPOLLHUP(void) { return EPOLLHUP; }
static inline uint32_t cws_EPOLLRDHUP(void) { return EPOLLRDHUP; }

// --- glibc: give freed heap pages back to the system (after bursts of closed connections) ---
static inline int cws_malloc_trim(void) { return malloc_trim(0); }

#endif
