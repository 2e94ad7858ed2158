/*
 * fileio.h - output files that appear whole or not at all.
 *
 * Outputs are written to a scratch file beside their path and put in
 * place when complete, so that a reader never sees half of one and a
 * failure leaves the old file as it was.
 */
#ifndef VSRSIM_FILEIO_H
#define VSRSIM_FILEIO_H

/* Put the finished scratch file `part` at `path` and remove `part`. A path
 * that names something other than a regular file (/dev/null, /dev/stdout,
 * a FIFO) is written through with part's bytes instead: renaming onto it
 * would replace the device with a plain file. Returns 0, or -1 with errno
 * set (part removed either way). */
int fileio_replace(const char *part, const char *path);

/* Can fileio_replace() put a file at `path`? Tried with a scratch file
 * beside it, so that a bad output path is found before any work. A device
 * or FIFO is taken as it is. Returns 0, or -1 with errno set (EISDIR for
 * a folder). */
int fileio_writable(const char *path);

#endif
