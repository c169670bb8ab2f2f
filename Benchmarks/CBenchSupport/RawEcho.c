// The floor the benchmark measures against: a raw ping-pong of length-prefixed messages over a
// stream socket, written in C so that no Swift (retain/release, bounds checks, the runtime)
// sits on the path the bridge is compared with.
#include "CBenchSupport.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static int write_all(int socket, const unsigned char *bytes, size_t count) {
    size_t sent = 0;
    while (sent < count) {
        ssize_t written = write(socket, bytes + sent, count - sent);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return written < 0 ? errno : EPIPE;
        sent += (size_t)written;
    }
    return 0;
}

int bench_raw_exchange(int socket, unsigned char *message, size_t byte_count) {
    uint32_t length = (uint32_t)byte_count;
    memcpy(message, &length, sizeof length);
    size_t total = sizeof length + byte_count;
    int failed = write_all(socket, message, total);
    if (failed) return failed;
    size_t received = 0;
    while (received < total) {
        ssize_t count = read(socket, message + received, total - received);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) return count < 0 ? errno : EPIPE;
        received += (size_t)count;
    }
    return 0;
}

void bench_raw_serve(int socket, unsigned char *buffer, size_t capacity) {
    size_t end = 0;
    for (;;) {
        ssize_t count = read(socket, buffer + end, capacity - end);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) return;
        end += (size_t)count;
        size_t start = 0;
        while (end - start >= sizeof(uint32_t)) {
            uint32_t length;
            memcpy(&length, buffer + start, sizeof length);
            size_t total = sizeof length + length;
            if (end - start < total) break;
            if (write_all(socket, buffer + start, total)) return;
            start += total;
        }
        memmove(buffer, buffer + start, end - start);
        end -= start;
    }
}
