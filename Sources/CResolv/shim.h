#ifndef SLUICE_CRESOLV_SHIM_H
#define SLUICE_CRESOLV_SHIM_H

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

/* res_ninit/res_nclose are macros for __res_ninit/__res_nclose; the rest is wrapped so that Swift
   never touches struct __res_state's layout. One state per lookup (they are not thread-safe). */

/* A fresh, initialised resolver state, or NULL. Free with sluice_res_free. */
static inline res_state sluice_res_new(void) {
    res_state state = calloc(1, sizeof(struct __res_state));
    if (state == NULL) return NULL;
    if (res_ninit(state) != 0) { free(state); return NULL; }
    return state;
}

static inline void sluice_res_free(res_state state) {
    res_nclose(state);
    free(state);
}

/* Per-try timeout in seconds and number of tries (RES_TIMEOUT, RES_DFLRETRY). */
static inline void sluice_res_set_timeouts(res_state state, int retrans, int retry) {
    state->retrans = retrans;
    state->retry = retry;
}

/* Use only the given IPv4 name server (address and port in host order), e.g. a test stub. */
static inline void sluice_res_set_server(res_state state, uint32_t address, uint16_t port) {
    memset(&state->nsaddr_list[0], 0, sizeof(state->nsaddr_list[0]));
    state->nsaddr_list[0].sin_family = AF_INET;
    state->nsaddr_list[0].sin_addr.s_addr = htonl(address);
    state->nsaddr_list[0].sin_port = htons(port);
    state->nscount = 1;
}

/* Builds a query for name/type (class IN) and sends it; returns the raw answer's length, or -1.
   Unlike res_nquery this hands back NXDOMAIN and empty answers too, so that the caller can tell
   them apart from a failed lookup. */
static inline int sluice_res_lookup(res_state state, const char *name, int type, unsigned char *answer, int size) {
    unsigned char query[NS_PACKETSZ + 64];
    int length = res_nmkquery(state, ns_o_query, name, ns_c_in, type, NULL, 0, NULL, query, sizeof(query));
    if (length < 0) return -1;
    return res_nsend(state, query, length, answer, size);
}

#endif
