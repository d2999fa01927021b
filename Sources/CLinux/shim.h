// C shim for the Linux interfaces Glibc's Swift module does not export: epoll, eventfd, signals.
#ifndef SMW_CLINUX_SHIM_H
#define SMW_CLINUX_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <signal.h>
#include <pthread.h>
#include <sys/socket.h>

// accept4(2) is declared only under _GNU_SOURCE, which a module header cannot rely on.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
#endif
