/*
 * fuzz_pktgen.c - libFuzzer harness of the pktgen result parser of vsrcal
 * (calib/procfs.c, procfs_parse_pktgen): the input is the text of a
 * /proc/net/pktgen/DEV file, as an exact-size NUL-terminated copy.
 *
 * Beyond what the sanitizers catch, it aborts when the parser fails
 * without one line of message, or succeeds with an unterminated message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char err[256] = "";
    struct pktgen_result r;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    memset(&r, 0xa5, sizeof r);
    int rc = procfs_parse_pktgen(text, &r, err, sizeof err);
    if (rc != 0 && (rc != -1 || err[0] == '\0' || strchr(err, '\n'))) {
        fprintf(stderr, "fuzz_pktgen: failed without one line of message\n");
        abort();
    }
    if (rc == 0 && !memchr(r.message, '\0', sizeof r.message)) {
        fprintf(stderr, "fuzz_pktgen: message not terminated\n");
        abort();
    }
    free(text);
    return 0;
}
