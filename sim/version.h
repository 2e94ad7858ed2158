/*
 * version.h - the version vsrsim reports and writes with its results.
 */
#ifndef VSRSIM_VERSION_H
#define VSRSIM_VERSION_H

#ifndef VSRSIM_VERSION
#define VSRSIM_VERSION "0.1.0"
#endif

#endif
