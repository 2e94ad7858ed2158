# trace.gp - what each core ran, and how full the queues were, over one
# window of a run: one lane per core on top, queue occupancy below, on a
# shared time axis.
#
# sim/cmd_trace.c runs it as
#   gnuplot -e "datafile='D'; outfile='O'; outformat='png'; ..." trace.gp
#
# `datafile` is what `vsrsim trace --data` writes (times in ms), four
# blocks separated by two blank lines (a block with nothing to show holds
# one line of nan):
#   index 0  spans:        core thread start end   (the core ran the thread)
#   index 1  preemptions:  core thread at
#   index 2  throttling:   core thread start end   (thread -1: the fifo
#                                                   class of the core)
#   index 3  queues:       time count...           (each count holds from
#                                                   its time to the next)
#
# Variables, set with -e before the script runs:
#   datafile, outfile  (required)
#   outformat          'png' or 'svg' (default: outfile's extension)
#   plottitle          text above the picture (optional)
#   xfrom, xto         the window in ms (required)
#   thread_names       array: name of thread t at thread_names[t+1]
#   thread_ran         array: 1 when thread t ran in the window (only
#                      those get a legend entry; optional)
#   npreempt, nthrottle  how many preemptions and throttlings there are
#                      (a legend entry only when there are; optional)
#   core_lane          array: lane of core c at core_lane[c+1], 0: not shown
#   nlanes             number of lanes
#   queue_col, queue_titles  arrays: the columns of index 3 to draw, and
#                      their legend titles
#
# Exits with status 2 on a missing variable or an unknown format.

if (!exists("datafile") || !exists("outfile") || !exists("xfrom") || \
    !exists("xto") || !exists("thread_names") || !exists("core_lane") || \
    !exists("nlanes") || !exists("queue_col") || !exists("queue_titles")) {
    print "trace.gp: set datafile, outfile, xfrom, xto, thread_names, ", \
          "core_lane, nlanes, queue_col and queue_titles with -e"
    exit status 2
}
if (!exists("plottitle")) {
    plottitle = ''
}
if (!exists("outformat")) {
    n = strlen(outfile)
    outformat = (n > 4 && outfile[n-3:n-3] eq '.') ? outfile[n-2:n] : ''
}
if (outformat ne 'png' && outformat ne 'svg') {
    print sprintf("trace.gp: cannot draw '%s': use .png or .svg", outfile)
    exit status 2
}

if (!exists("npreempt")) {
    npreempt = 1
}
if (!exists("nthrottle")) {
    nthrottle = 1
}
ran(i) = !exists("thread_ran") || thread_ran[i]

# The lanes take the height they need, and at least what their legend
# needs; the queues get 360 pixels below.
lane_px = 46
nkeys = (npreempt > 0) + (nthrottle > 0)
do for [i = 1:|thread_names|] {
    nkeys = nkeys + (ran(i) ? 1 : 0)
}
top_px = nlanes * lane_px > nkeys * 20 + 16 ? nlanes * lane_px \
                                             : nkeys * 20 + 16
height = 360 + top_px
if (outformat eq 'svg') {
    set terminal svg size 1200,height noenhanced font 'Sans,12' \
        background 'white'
} else {
    if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
        set terminal pngcairo size 1200,height noenhanced font 'Sans,11'
    } else {
        set terminal png size 1200,height noenhanced
    }
}
set output outfile

nthreads = |thread_names|
nqueues = |queue_col|
array colour[10] = ['#4477aa', '#ee6677', '#228833', '#ccbb44', '#66ccee', \
                    '#aa3377', '#bbbbbb', '#000000', '#ee7733', '#0077bb']
colour_of(i) = colour[(i - 1) % 10 + 1]
lane(c) = (c >= 0 && c < |core_lane|) ? core_lane[int(c) + 1] : 0
y_of(c) = lane(c) > 0 ? lane(c) : NaN
is_thread(t, i) = int(t) == i - 1

# Fixed margins so that the two plots share their time axis exactly;
# heights in pixels, turned into fractions of the picture.
left = 0.08
right = 0.82
px(n) = n * 1.0 / height
split = 1.0 - px(40 + top_px)

set multiplot title plottitle noenhanced
set lmargin at screen left
set rmargin at screen right
set xrange [xfrom:xto]
set grid xtics lc rgb '#e0e0e0' lt 1

# ---- Lanes: which thread or interrupt work each core ran
set tmargin at screen 1.0 - px(36)
set bmargin at screen split
set yrange [nlanes + 0.6:0.4]
set ytics scale 0
set ytics ()
do for [c = 0:|core_lane| - 1] {
    if (lane(c) > 0) {
        set ytics add (sprintf('core %d', c) lane(c))
    }
}
set format x ''
unset xlabel
set key outside right top Left reverse noenhanced samplen 1.5 spacing 1.1
set style fill solid 1.0 noborder

plot for [i = 1:nthreads] datafile index 0 \
         using (is_thread($2, i) ? ($3 + $4) / 2 : NaN):(y_of($1)): \
               3:4:(y_of($1) - 0.32):(y_of($1) + 0.32) \
         with boxxyerror lc rgb colour_of(i) fs solid 1.0 border \
         title (ran(i) ? thread_names[i] : ''), \
     datafile index 2 \
         using (($3 + $4) / 2):(y_of($1)):3:4:(y_of($1) - 0.45): \
               (y_of($1) + 0.45) \
         with boxxyerror lc rgb '#cc0000' fs transparent pattern 4 border \
         title (nthrottle > 0 ? 'throttled' : ''), \
     datafile index 1 using 3:(y_of($1) - 0.38) \
         with points pt 11 ps 0.7 lc rgb 'black' \
         title (npreempt > 0 ? 'preempted' : '')

# ---- Queues: packets held, from each sample to the next
set tmargin at screen split - px(14)
set bmargin at screen px(50)
unset ytics
set ytics auto
set yrange [0:*]
set format x '%g'
set xlabel 'simulated time [ms]'
set ylabel 'packets queued'
set key outside right top Left reverse noenhanced samplen 2 spacing 1.1
set style fill empty

plot for [i = 1:nqueues] datafile index 3 using 1:queue_col[i] \
         with steps lw 1.5 lc rgb colour_of(nthreads + i) \
         title queue_titles[i]

unset multiplot
set output
