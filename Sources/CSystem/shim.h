#ifndef STACK_CSYSTEM_SHIM_H
#define STACK_CSYSTEM_SHIM_H
// Header-only access to Linux system interfaces that Glibc's Swift overlay does not expose.
#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#else
#include <sys/types.h>
#include <sys/event.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#endif
#endif
