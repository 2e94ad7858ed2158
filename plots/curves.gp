# curves.gp - forwarded rate against offered rate, one line per curve.
#
# sim/plot.c runs it as
#   gnuplot -e "datafile='D'; outfile='O'; plottitle='T'; ..." curves.gp
#
# Gnuplot cannot split vsrsim's CSV on its quoted curve-name column, so
# plot.c first rewrites the CSV into `datafile`: one block per curve, in the
# order of the CSV, blocks separated by two blank lines, each row holding
# "offered forwarded ci99" in kpps (ci99 is the half-width of the 99%
# interval of the forwarded rate; nan draws the point without a bar).
#
# Variables, set with -e before the script runs:
#   datafile     the block file above (required)
#   outfile      the image to write (required)
#   plottitle    text above the plot (optional)
#   outformat    'png' or 'svg' (optional; default: the extension of
#                outfile; plot.c passes it because gnuplot writes to a
#                temporary name that has no such extension)
#   curve_names  array of legend titles, one per block in order (optional;
#                default "curve N"). Titles come as a gnuplot array rather
#                than from a header line in datafile because gnuplot cannot
#                read a double quote inside a quoted data-file string.
#   curve_ndr, curve_pdr
#                arrays of each curve's NDR and PDR in kpps, NaN where
#                unknown (optional; plot.c passes them when the CSV has
#                the ndr_kpps and pdr_kpps columns of `vsrsim run --ndr`).
#                Each is drawn on the y = x line, where the curve leaves
#                it (a triangle for NDR, a square for PDR, in the curve's
#                colour), and given in the curve's legend title.
#
# Exits with status 2 on a missing variable or an unknown format.

if (!exists("datafile") || !exists("outfile")) {
    print "curves.gp: set datafile and outfile with -e"
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
    print sprintf("curves.gp: cannot draw '%s': use .png or .svg", outfile)
    exit status 2
}
if (outformat eq 'svg') {
    set terminal svg size 900,600 noenhanced font 'Sans,12' background 'white'
} else {
    if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
        set terminal pngcairo size 900,600 noenhanced font 'Sans,11'
    } else {
        set terminal png size 900,600 noenhanced
    }
}
set output outfile

stats datafile using 1 nooutput
ncurves = STATS_blocks

have_marks = exists("curve_ndr") && exists("curve_pdr")
is_num(v) = v == v
mark_text(i) = \
    !have_marks || !is_num(curve_ndr[i]) || !is_num(curve_pdr[i]) ? '' : \
    sprintf('  (NDR %.0f, PDR %.0f kpps)', curve_ndr[i], curve_pdr[i])
curve_title(i) = (exists("curve_names") ? curve_names[i] \
                                        : sprintf("curve %d", i)) . mark_text(i)

set title plottitle noenhanced
set xlabel 'offered rate [kpps]'
set ylabel 'forwarded rate [kpps]'
set xrange [0:*]
set yrange [0:*]
set grid lc rgb '#dddddd' lt 1
# A small margin, not one rounded up to the next tic, keeps the bars of
# the last points clear of the border.
set autoscale xfixmax
set autoscale yfixmax
set offsets 0, graph 0.03, graph 0.05, 0
set key top left Left reverse box opaque noenhanced spacing 1.2 width 1
set bars 1.5

# NDR and PDR marks inside the offered range, over the curves.
max_offered = STATS_max
if (have_marks) {
    do for [i=1:ncurves] {
        if (is_num(curve_ndr[i]) && curve_ndr[i] > 0 && \
            curve_ndr[i] <= max_offered) {
            set label '' at curve_ndr[i], curve_ndr[i] front \
                point lt i pt 8 ps 2
        }
        if (is_num(curve_pdr[i]) && curve_pdr[i] > 0 && \
            curve_pdr[i] <= max_offered) {
            set label '' at curve_pdr[i], curve_pdr[i] front \
                point lt i pt 4 ps 2
        }
    }
}

# The y = x reference goes first so that the curves are drawn over it.
if (have_marks) {
    plot x with lines dashtype 2 lc rgb 'grey60' notitle, \
         for [i=1:ncurves] datafile index (i-1) using 1:2:3 \
             with yerrorlines lt i lw 1.5 pt 7 ps 0.8 title curve_title(i), \
         keyentry with points lc rgb 'black' pt 8 ps 1.5 \
             title 'NDR (loss <= 0.001%)', \
         keyentry with points lc rgb 'black' pt 4 ps 1.5 \
             title 'PDR (loss <= 0.1%)'
} else {
    plot x with lines dashtype 2 lc rgb 'grey60' notitle, \
         for [i=1:ncurves] datafile index (i-1) using 1:2:3 \
             with yerrorlines lt i lw 1.5 pt 7 ps 0.8 title curve_title(i)
}

set output
