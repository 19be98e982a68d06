/* mkphotos — draw the sample site's "photos" with libvips.
 *
 * The Muling sample content needs pictures, and the project never downloads
 * any: every JPEG under content/ is drawn here from simple shapes (skies,
 * hills, fields, greenhouses, beehives, cattle, sheep …), softened and given
 * a little film grain. All randomness comes from fixed seeds, so a rerun
 * writes the same images.
 *
 *   cc -O2 scripts/mkphotos.c $(pkg-config --cflags --libs vips) -lm -o /tmp/mkphotos
 *   /tmp/mkphotos content
 *
 * Shapes are drawn at twice the final size on an in-memory canvas with the
 * vips_draw_* operations, then blurred a touch and halved (cheap
 * anti-aliasing); light, vignette and grain are vips arithmetic on the
 * result. Output: 1600x1067 JPEG, quality 80, metadata stripped.
 */
#include <vips/vips.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define W 1600
#define H 1067
#define S 2 /* supersampling factor of the canvas */

typedef struct {
	double r, g, b;
} Col;

static VipsImage *cv; /* the canvas being drawn on, W*S x H*S, uchar sRGB */
static uint64_t rng_state;
static const char *outdir;

static void die(const char *what)
{
	fprintf(stderr, "mkphotos: %s: %s\n", what, vips_error_buffer());
	exit(1);
}

/* ---------------------------------------------------------------- numbers */

static void seed(uint64_t s) { rng_state = s * 0x9E3779B97F4A7C15ull + 1; }

static uint64_t next_u64(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double frand(void) { return (next_u64() >> 11) * (1.0 / 9007199254740992.0); }
static double urand(double lo, double hi) { return lo + (hi - lo) * frand(); }

static Col rgb(int r, int g, int b) { return (Col){r, g, b}; }

static Col mix(Col a, Col b, double t)
{
	return (Col){a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

static Col shade(Col a, double f)
{
	return (Col){fmin(255, a.r * f), fmin(255, a.g * f), fmin(255, a.b * f)};
}

/* a colour varied at random by up to +-amt in brightness */
static Col jitter(Col a, double amt) { return shade(a, 1.0 + urand(-amt, amt)); }

/* A smooth 1-D wave for ridgelines: a sum of sines with phases from key. */
static double wave(double x, unsigned key)
{
	double v = 0, amp = 1, f = 1, norm = 0;
	uint64_t saved = rng_state;
	seed(key);
	for (int i = 0; i < 5; i++) {
		double ph = urand(0, 6.2832), fr = f * urand(0.8, 1.25);
		v += amp * sin(x * fr + ph);
		norm += amp;
		amp *= 0.5;
		f *= 2.1;
	}
	rng_state = saved;
	return v / norm;
}

/* ------------------------------------------------------------- primitives */
/* All coordinates are in final-image pixels (0..W, 0..H), doubles. */

static void ink(Col c, double v[3])
{
	v[0] = fmax(0, fmin(255, c.r));
	v[1] = fmax(0, fmin(255, c.g));
	v[2] = fmax(0, fmin(255, c.b));
}

/* a span on the canvas, in canvas pixels, clipped */
static void span(const double *v, int x0, int x1, int y, int h)
{
	int cw = W * S, ch = H * S;
	if (x0 < 0)
		x0 = 0;
	if (x1 > cw)
		x1 = cw;
	if (y < 0) {
		h += y;
		y = 0;
	}
	if (y + h > ch)
		h = ch - y;
	if (x1 <= x0 || h <= 0)
		return;
	/* Scanline spans are the bulk of the drawing (hundreds of thousands per
	 * picture), too many for one vips_draw_rect call each: write them
	 * straight into the canvas memory. Whole shapes use vips_draw_*. */
	unsigned char px[3] = {(unsigned char)lround(v[0]), (unsigned char)lround(v[1]),
	    (unsigned char)lround(v[2])};
	for (int j = y; j < y + h; j++) {
		unsigned char *q = VIPS_IMAGE_ADDR(cv, x0, j);
		for (int i = x0; i < x1; i++, q += 3)
			q[0] = px[0], q[1] = px[1], q[2] = px[2];
	}
}

static void rect(Col c, double x, double y, double w, double h)
{
	double v[3];
	ink(c, v);
	int x0 = (int)lround(x * S), y0 = (int)lround(y * S);
	int x1 = (int)lround((x + w) * S), y1 = (int)lround((y + h) * S);
	if (x1 <= x0 || y1 <= y0)
		return;
	if (vips_draw_rect(cv, v, 3, x0, y0, x1 - x0, y1 - y0, "fill", TRUE, NULL))
		die("draw_rect");
}

static void disc(Col c, double cx, double cy, double r)
{
	double v[3];
	ink(c, v);
	int R = (int)lround(r * S);
	if (R < 1)
		R = 1;
	if (vips_draw_circle(cv, v, 3, (int)lround(cx * S), (int)lround(cy * S), R, "fill", TRUE, NULL))
		die("draw_circle");
}

/* an ellipse, only the rows between ymin and ymax (final pixels) */
static void ellipse_clip(Col c, double cx, double cy, double rx, double ry, double ymin, double ymax)
{
	double v[3];
	ink(c, v);
	int a = (int)floor(fmax(cy - ry, ymin) * S), b = (int)ceil(fmin(cy + ry, ymax) * S);
	for (int Y = a; Y < b; Y++) {
		double dy = ((Y + 0.5) / S - cy) / ry;
		if (fabs(dy) >= 1)
			continue;
		double hw = rx * sqrt(1 - dy * dy);
		span(v, (int)lround((cx - hw) * S), (int)lround((cx + hw) * S), Y, 1);
	}
}

static void ellipse(Col c, double cx, double cy, double rx, double ry)
{
	ellipse_clip(c, cx, cy, rx, ry, -1e9, 1e9);
}

/* upper half of an ellipse standing on y = base */
static void arch(Col c, double cx, double base, double rx, double ry)
{
	ellipse_clip(c, cx, base, rx, ry, -1e9, base);
}

/* filled polygon, even-odd rule; pts = x0,y0,x1,y1,… (n points) */
static void poly(Col c, const double *pts, int n)
{
	double v[3], xs[64];
	ink(c, v);
	double miny = 1e9, maxy = -1e9;
	for (int i = 0; i < n; i++) {
		miny = fmin(miny, pts[2 * i + 1]);
		maxy = fmax(maxy, pts[2 * i + 1]);
	}
	for (int Y = (int)floor(miny * S); Y < (int)ceil(maxy * S); Y++) {
		double y = (Y + 0.5) / S;
		int k = 0;
		for (int i = 0; i < n && k < 64; i++) {
			double x1 = pts[2 * i], y1 = pts[2 * i + 1];
			double x2 = pts[2 * ((i + 1) % n)], y2 = pts[2 * ((i + 1) % n) + 1];
			if ((y1 <= y && y2 > y) || (y2 <= y && y1 > y))
				xs[k++] = x1 + (y - y1) / (y2 - y1) * (x2 - x1);
		}
		for (int i = 1; i < k; i++) /* insertion sort, k is tiny */
			for (int j = i; j > 0 && xs[j - 1] > xs[j]; j--) {
				double t = xs[j];
				xs[j] = xs[j - 1];
				xs[j - 1] = t;
			}
		for (int i = 0; i + 1 < k; i += 2)
			span(v, (int)lround(xs[i] * S), (int)lround(xs[i + 1] * S), Y, 1);
	}
}

static void quad(Col c, double x0, double y0, double x1, double y1, double x2, double y2, double x3,
    double y3)
{
	double p[8] = {x0, y0, x1, y1, x2, y2, x3, y3};
	poly(c, p, 4);
}

static void tri(Col c, double x0, double y0, double x1, double y1, double x2, double y2)
{
	double p[6] = {x0, y0, x1, y1, x2, y2};
	poly(c, p, 3);
}

/* a thick straight line, as a quad */
static void line(Col c, double x0, double y0, double x1, double y1, double w)
{
	double dx = x1 - x0, dy = y1 - y0, l = hypot(dx, dy);
	if (l <= 0)
		return;
	double nx = -dy / l * w / 2, ny = dx / l * w / 2;
	quad(c, x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny);
}

/* ground below a wavy ridge: y = base + amp * wave(x * freq) */
static void ridge(Col c, double base, double amp, double freq, unsigned key)
{
	double v[3];
	ink(c, v);
	for (int X = 0; X < W * S; X++) {
		double x = (X + 0.5) / S;
		double y = base + amp * wave(x * freq / W * 6.2832, key);
		int Y = (int)lround(y * S);
		span(v, X, X + 1, Y, H * S - Y);
	}
}

/* the band between two ridgelines, for field strips */
static void strip(Col c, double base0, double amp0, double base1, double amp1, double freq,
    unsigned key)
{
	double v[3];
	ink(c, v);
	for (int X = 0; X < W * S; X++) {
		double x = (X + 0.5) / S, w = wave(x * freq / W * 6.2832, key);
		int Y0 = (int)lround((base0 + amp0 * w) * S), Y1 = (int)lround((base1 + amp1 * w) * S);
		span(v, X, X + 1, Y0, Y1 - Y0);
	}
}

/* --------------------------------------------------------------- canvas */

/* a fresh canvas: vertical gradient top -> bottom, eased by gamma */
static void sky(Col top, Col bottom, double gamma)
{
	VipsImage *base = vips_image_new();
	VipsImage **t = (VipsImage **)vips_object_local_array(VIPS_OBJECT(base), 5);
	double a[3] = {bottom.r - top.r, bottom.g - top.g, bottom.b - top.b};
	double b[3] = {top.r, top.g, top.b};
	if (vips_xyz(&t[0], W * S, H * S, NULL) || vips_extract_band(t[0], &t[1], 1, NULL) ||
	    vips_linear1(t[1], &t[2], 1.0 / (H * S - 1), 0, NULL) ||
	    vips_pow_const1(t[2], &t[3], gamma, NULL) || vips_linear(t[3], &t[4], a, b, 3, NULL))
		die("sky");
	VipsImage *u;
	if (vips_cast_uchar(t[4], &u, NULL))
		die("sky cast");
	if (cv)
		g_object_unref(cv);
	cv = vips_image_copy_memory(u);
	g_object_unref(u);
	g_object_unref(base);
	if (!cv)
		die("sky memory");
}

/* blur everything drawn so far (depth of field for a background) */
static void blur_canvas(double sigma)
{
	VipsImage *a, *b;
	if (vips_gaussblur(cv, &a, sigma * S, NULL) || vips_cast_uchar(a, &b, NULL))
		die("blur_canvas");
	g_object_unref(cv);
	cv = vips_image_copy_memory(b);
	g_object_unref(a);
	g_object_unref(b);
	if (!cv)
		die("blur memory");
}

/* ------------------------------------------------------------- finishing */

typedef struct {
	double x, y, radius; /* soft light, in final pixels; radius 0 = none */
	Col col;
	double strength;
	double vignette; /* 0 .. 0.5 */
	double grain;    /* noise sigma */
} Finish;

static void mkdirs(const char *path)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(buf, 0755) && errno != EEXIST) {
				perror(buf);
				exit(1);
			}
			*p = '/';
		}
}

/* squared distance from (cx, cy), scaled by (sx, sy), as a float image */
static VipsImage *dist2(VipsObject *ctx, double cx, double cy, double sx, double sy)
{
	VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 4);
	double a[2] = {1.0 / sx, 1.0 / sy}, b[2] = {-cx / sx, -cy / sy};
	if (vips_xyz(&t[0], W, H, NULL) || vips_linear(t[0], &t[1], a, b, 2, NULL) ||
	    vips_multiply(t[1], t[1], &t[2], NULL) || vips_bandmean(t[2], &t[3], NULL))
		die("dist2");
	return t[3]; /* mean of two bands = d^2 / 2 */
}

static void finish(const char *rel, unsigned key, Finish f)
{
	VipsObject *ctx = VIPS_OBJECT(vips_image_new());
	VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 16);
	VipsImage *img;

	if (vips_gaussblur(cv, &t[0], 0.7 * S, NULL) || vips_resize(t[0], &t[1], 1.0 / S, NULL))
		die("soften");
	img = t[1];

	if (f.radius > 0) { /* a soft light: exp(-d^2 / 2) times a colour */
		VipsImage *d = dist2(ctx, f.x, f.y, f.radius, f.radius);
		double a[3] = {f.col.r * f.strength, f.col.g * f.strength, f.col.b * f.strength};
		double z[3] = {0, 0, 0};
		if (vips_linear1(d, &t[2], -2.0, 0, NULL) || vips_exp(t[2], &t[3], NULL) ||
		    vips_linear(t[3], &t[4], a, z, 3, NULL) || vips_add(img, t[4], &t[5], NULL))
			die("light");
		img = t[5];
	}
	if (f.vignette > 0) {
		VipsImage *d = dist2(ctx, W / 2.0, H / 2.0, W / 2.0, H / 2.0);
		if (vips_linear1(d, &t[6], -f.vignette, 1.0, NULL) ||
		    vips_multiply(img, t[6], &t[7], NULL))
			die("vignette");
		img = t[7];
	}
	if (f.grain > 0) {
		if (vips_gaussnoise(&t[8], W, H, "sigma", f.grain, "mean", 0.0, "seed", (int)key,
			NULL) ||
		    vips_add(img, t[8], &t[9], NULL))
			die("grain");
		img = t[9];
	}
	if (vips_cast_uchar(img, &t[10], NULL))
		die("cast");

	char path[1024];
	snprintf(path, sizeof path, "%s/%s", outdir, rel);
	mkdirs(path);
	if (vips_jpegsave(t[10], path, "Q", 80, "strip", TRUE, "optimize_coding", TRUE,
		"interlace", TRUE, NULL))
		die(path);
	g_object_unref(ctx);

	struct stat st;
	if (stat(path, &st) == 0)
		printf("%-56s %4ld KB\n", path, (long)(st.st_size / 1024));
}

static Finish plain(void) { return (Finish){0, 0, 0, {0, 0, 0}, 0, 0.28, 3.2}; }

/* ------------------------------------------------------------ furniture */

static void cloud(double cx, double cy, double size, Col c)
{
	for (int i = 0; i < 14; i++) {
		double dx = urand(-1.6, 1.6) * size, dy = urand(-0.35, 0.25) * size;
		double r = size * urand(0.35, 0.7) * (1 - fabs(dx) / (2.2 * size));
		disc(mix(c, shade(c, 0.86), fmax(0, dy / size + 0.3)), cx + dx, cy + dy, r);
	}
	ellipse(shade(c, 0.9), cx, cy + size * 0.3, size * 1.7, size * 0.18);
}

static void tree(double x, double base, double h, Col leaf)
{
	rect(rgb(80, 60, 45), x - h * 0.035, base - h * 0.45, h * 0.07, h * 0.45);
	for (int i = 0; i < 9; i++) {
		double a = urand(0, 6.2832), r = urand(0, 0.18) * h;
		disc(jitter(leaf, 0.12), x + cos(a) * r, base - h * 0.62 + sin(a) * r * 0.8,
		    h * urand(0.16, 0.24));
	}
	disc(shade(leaf, 1.15), x - h * 0.06, base - h * 0.72, h * 0.1);
}

/* a tall narrow poplar */
static void poplar(double x, double base, double h, Col leaf)
{
	rect(rgb(90, 75, 60), x - h * 0.015, base - h * 0.3, h * 0.03, h * 0.3);
	for (int i = 0; i < 10; i++) {
		double y = base - h * (0.25 + 0.07 * i);
		double rx = h * 0.09 * (1 - i / 12.0);
		ellipse(jitter(leaf, 0.1), x + urand(-0.02, 0.02) * h, y, rx, h * 0.07);
	}
}

static void birch(double x, double base, double h)
{
	double w = h * 0.035;
	rect(rgb(232, 228, 218), x - w / 2, base - h, w, h);
	for (int i = 0; i < 9; i++)
		rect(rgb(50, 45, 40), x - w / 2 + urand(0, w * 0.5), base - h * urand(0.05, 0.95),
		    w * urand(0.3, 0.6), h * 0.012);
}

static void house(double x, double base, double w, double h, Col wall, Col roof)
{
	double rh = h * 0.55;
	ellipse(rgb(70, 80, 60), x + w / 2, base + 2, w * 0.6, h * 0.06);
	rect(wall, x, base - h, w, h);
	quad(roof, x - w * 0.05, base - h, x + w * 1.05, base - h, x + w * 0.92, base - h - rh,
	    x + w * 0.08, base - h - rh);
	quad(shade(roof, 0.75), x - w * 0.05, base - h, x + w * 1.05, base - h, x + w * 1.05,
	    base - h + h * 0.05, x - w * 0.05, base - h + h * 0.05);
	double ww = w * 0.16, wh = h * 0.38;
	for (int i = 0; i < 3; i++) {
		double wx = x + w * (0.1 + 0.3 * i);
		if (i == 1) { /* door */
			rect(rgb(110, 70, 45), x + w * 0.44, base - h * 0.7, w * 0.12, h * 0.7);
			continue;
		}
		rect(rgb(245, 245, 240), wx - 2, base - h * 0.72 - 2, ww + 4, wh + 4);
		rect(rgb(90, 120, 140), wx, base - h * 0.72, ww, wh);
		rect(rgb(245, 245, 240), wx + ww / 2 - 1, base - h * 0.72, 2, wh);
	}
}

static void figure(double x, double base, double h, Col shirt, Col trousers)
{
	ellipse(rgb(60, 55, 45), x, base, h * 0.16, h * 0.03);
	rect(trousers, x - h * 0.09, base - h * 0.48, h * 0.075, h * 0.48);
	rect(trousers, x + h * 0.015, base - h * 0.48, h * 0.075, h * 0.48);
	quad(shirt, x - h * 0.13, base - h * 0.45, x + h * 0.13, base - h * 0.45, x + h * 0.11,
	    base - h * 0.83, x - h * 0.11, base - h * 0.83);
	disc(rgb(215, 170, 135), x, base - h * 0.9, h * 0.085);
	ellipse_clip(rgb(40, 35, 30), x, base - h * 0.92, h * 0.09, h * 0.07, -1e9, base - h * 0.92);
}

static void sheep(double x, double base, double s, int facing)
{
	Col wool = rgb(232, 226, 210);
	ellipse(rgb(60, 90, 40), x, base, s * 0.55, s * 0.08);
	for (int i = 0; i < 4; i++)
		rect(rgb(55, 45, 40), x + s * (-0.32 + 0.2 * i), base - s * 0.32, s * 0.06, s * 0.32);
	for (int i = 0; i < 9; i++)
		disc(jitter(wool, 0.06), x + urand(-0.33, 0.33) * s, base - s * urand(0.42, 0.62),
		    s * urand(0.16, 0.22));
	ellipse(shade(wool, 0.82), x, base - s * 0.36, s * 0.4, s * 0.08);
	double hx = x + facing * s * 0.48;
	ellipse(rgb(50, 42, 38), hx, base - s * 0.6, s * 0.1, s * 0.14);
	ellipse(rgb(50, 42, 38), hx - facing * s * 0.06, base - s * 0.7, s * 0.09, s * 0.04);
}

static void cow(double x, double base, double s, Col hide, int white_face, int facing)
{
	ellipse(rgb(70, 65, 55), x, base, s * 0.7, s * 0.07);
	Col leg = shade(hide, 0.8);
	rect(leg, x - s * 0.45, base - s * 0.4, s * 0.1, s * 0.4);
	rect(leg, x - s * 0.3, base - s * 0.4, s * 0.1, s * 0.4);
	rect(leg, x + s * 0.22, base - s * 0.4, s * 0.1, s * 0.4);
	rect(leg, x + s * 0.37, base - s * 0.4, s * 0.1, s * 0.4);
	ellipse(hide, x, base - s * 0.62, s * 0.62, s * 0.3);
	ellipse(shade(hide, 1.12), x - s * 0.05, base - s * 0.78, s * 0.44, s * 0.1);
	double hx = x + facing * s * 0.68;
	Col head = shade(hide, 0.95);
	line(hide, x + facing * s * 0.4, base - s * 0.75, hx, base - s * 0.6, s * 0.28);
	ellipse(head, hx + facing * s * 0.05, base - s * 0.52, s * 0.11, s * 0.2);
	if (white_face) /* a white blaze, as on Simmental cattle */
		ellipse(rgb(236, 230, 218), hx + facing * s * 0.07, base - s * 0.5, s * 0.06, s * 0.16);
	ellipse(rgb(200, 150, 140), hx + facing * s * 0.07, base - s * 0.35, s * 0.08, s * 0.05);
	ellipse(shade(hide, 0.7), hx - facing * s * 0.08, base - s * 0.68, s * 0.08, s * 0.03);
	line(shade(hide, 0.7), x - facing * s * 0.6, base - s * 0.7, x - facing * s * 0.66,
	    base - s * 0.35, s * 0.03);
}

static void hive(double x, double base, double w, double h, Col paint)
{
	ellipse(rgb(60, 85, 40), x + w / 2, base + h * 0.05, w * 0.7, h * 0.08);
	rect(rgb(95, 75, 55), x + w * 0.1, base - h * 0.15, w * 0.08, h * 0.15); /* stand legs */
	rect(rgb(95, 75, 55), x + w * 0.82, base - h * 0.15, w * 0.08, h * 0.15);
	rect(paint, x, base - h, w, h * 0.85);
	rect(shade(paint, 0.85), x + w * 0.72, base - h, w * 0.28, h * 0.85); /* side in shade */
	rect(shade(paint, 0.93), x, base - h * 0.58, w, h * 0.03);
	rect(rgb(225, 225, 220), x - w * 0.06, base - h * 1.08, w * 1.12, h * 0.12); /* lid */
	rect(rgb(170, 170, 168), x - w * 0.06, base - h * 0.98, w * 1.12, h * 0.03);
	rect(rgb(40, 30, 25), x + w * 0.2, base - h * 0.24, w * 0.4, h * 0.05); /* entrance */
	for (int i = 0; i < 6; i++) /* bees */
		disc(rgb(45, 35, 20), x + urand(-0.2, 1.2) * w, base - h * urand(0.1, 1.4),
		    fmax(1.2, w * 0.012));
}

static void flowers(double y0, double y1, int n, const Col *pal, int np, double rmin, double rmax)
{
	for (int i = 0; i < n; i++) {
		double y = urand(y0, y1), depth = (y - y0) / (y1 - y0 + 1e-9);
		disc(jitter(pal[next_u64() % np], 0.1), urand(-10, W + 10), y,
		    rmin + (rmax - rmin) * depth * urand(0.6, 1.0));
	}
}

/* grass texture: short dark/light strokes */
static void grass(double y0, double y1, int n, Col base)
{
	for (int i = 0; i < n; i++) {
		double y = urand(y0, y1), d = (y - y0) / (y1 - y0 + 1e-9), x = urand(0, W);
		double l = 3 + 16 * d;
		line(jitter(base, 0.18), x, y, x + urand(-0.3, 0.3) * l, y - l, 1 + 1.5 * d);
	}
}

/* crop rows converging on (vx, vy), alternating two colours below the horizon */
static void rows(double vx, double vy, int n, Col a, Col b)
{
	double spread = W * 3.2;
	for (int i = 0; i < n; i++) {
		double x0 = vx - spread / 2 + spread * i / n, x1 = vx - spread / 2 + spread * (i + 1) / n;
		double t0 = vx + (x0 - vx) * 0.02, t1 = vx + (x1 - vx) * 0.02;
		quad(i % 2 ? a : b, t0, vy, t1, vy, x1, H, x0, H);
	}
}

/* an arched plastic tunnel seen three-quarters on */
static void tunnel(double cx, double base, double rx, double ry, double vx, double vy,
    double depth, Col film, Col face)
{
	int steps = (int)fmax(24, rx * depth * 1.2);
	for (int k = steps; k >= 0; k--) {
		double t = depth * k / steps;
		double x = cx + (vx - cx) * t, b = base + (vy - base) * t, s = 1 - t;
		arch(mix(film, shade(film, 0.78), (double)k / steps * 0.6), x, b, rx * s, ry * s);
	}
	for (int k = 1; k < 8; k++) { /* hoops along the tunnel */
		double t = depth * k / 8.0;
		double x = cx + (vx - cx) * t, b = base + (vy - base) * t, s = 1 - t;
		ellipse_clip(shade(film, 0.7), x, b - ry * s, rx * 0.04 * s + 0.8, 1.4, -1e9, 1e9);
	}
	arch(face, cx, base, rx, ry);
	arch(shade(face, 0.93), cx, base, rx * 0.8, ry * 0.8);
	rect(rgb(70, 75, 70), cx - rx * 0.16, base - ry * 0.55, rx * 0.32, ry * 0.55);
}

static void jar(double x, double base, double w, double h, Col honey)
{
	ellipse(rgb(120, 80, 40), x + w / 2, base, w * 0.6, h * 0.05);
	rect(honey, x, base - h * 0.85, w, h * 0.85);
	for (int i = 0; i < 12; i++) /* darker towards the bottom and the edges */
		rect(shade(honey, 0.92 - 0.02 * i), x, base - h * 0.85 * (i + 1) / 36.0 - h * 0.55,
		    w * 0.12, h * 0.85 / 30);
	rect(shade(honey, 0.8), x + w * 0.85, base - h * 0.85, w * 0.15, h * 0.85);
	rect(shade(honey, 0.86), x, base - h * 0.85, w * 0.08, h * 0.85);
	rect(rgb(255, 235, 170), x + w * 0.14, base - h * 0.78, w * 0.06, h * 0.55); /* glint */
	rect(rgb(246, 240, 225), x + w * 0.1, base - h * 0.55, w * 0.8, h * 0.26);  /* label */
	rect(rgb(190, 40, 35), x + w * 0.1, base - h * 0.55, w * 0.8, h * 0.05);
	for (int i = 0; i < 3; i++)
		rect(rgb(120, 90, 60), x + w * 0.22, base - h * (0.45 - 0.06 * i), w * (0.56 - 0.14 * i),
		    h * 0.02);
	rect(rgb(200, 45, 40), x - w * 0.03, base - h, w * 1.06, h * 0.15); /* lid */
	rect(rgb(160, 30, 30), x - w * 0.03, base - h * 0.9, w * 1.06, h * 0.04);
}

static void radio(double x, double base, double w, double h, Col body)
{
	ellipse(rgb(90, 60, 40), x + w / 2, base + 3, w * 0.55, h * 0.06);
	line(rgb(190, 190, 195), x + w * 0.85, base - h, x + w * 1.2, base - h * 2.1, w * 0.025);
	disc(rgb(200, 200, 205), x + w * 1.2, base - h * 2.1, w * 0.02);
	rect(body, x, base - h, w, h);
	rect(shade(body, 1.15), x, base - h, w, h * 0.08);
	rect(shade(body, 0.78), x, base - h * 0.08, w, h * 0.08);
	rect(rgb(55, 55, 58), x + w * 0.07, base - h * 0.8, w * 0.5, h * 0.65); /* grille */
	for (int j = 0; j < 7; j++)
		for (int i = 0; i < 9; i++)
			disc(rgb(25, 25, 28), x + w * (0.1 + 0.052 * i), base - h * (0.74 - 0.09 * j),
			    w * 0.011);
	rect(rgb(225, 220, 180), x + w * 0.63, base - h * 0.8, w * 0.3, h * 0.16); /* dial */
	rect(rgb(200, 40, 30), x + w * 0.74, base - h * 0.8, w * 0.012, h * 0.16);
	disc(rgb(60, 60, 62), x + w * 0.72, base - h * 0.38, w * 0.07);
	disc(rgb(150, 150, 155), x + w * 0.72, base - h * 0.38, w * 0.03);
	disc(rgb(60, 60, 62), x + w * 0.87, base - h * 0.38, w * 0.05);
}

/* ================================================================ scenes */

static void sannong_station(void) /* 2018: a village service station, spring */
{
	seed(101);
	sky(rgb(62, 120, 196), rgb(198, 222, 238), 0.8);
	cloud(300, 170, 60, rgb(250, 250, 252));
	cloud(1150, 120, 45, rgb(248, 249, 252));
	ridge(rgb(128, 158, 178), 560, 45, 1.3, 11);
	ridge(rgb(96, 140, 92), 640, 30, 2.2, 12);
	ridge(rgb(112, 165, 78), 740, 6, 1.0, 13);
	grass(760, H, 1400, rgb(100, 150, 70));
	quad(rgb(196, 180, 150), 760, 770, 840, 770, 1020, H, 560, H); /* path to the door */
	ellipse(rgb(75, 105, 60), 800, 772, 440, 18);
	rect(rgb(236, 234, 226), 400, 520, 800, 250);              /* building */
	rect(rgb(205, 203, 196), 400, 740, 800, 30);               /* plinth */
	rect(rgb(120, 60, 50), 380, 492, 840, 30);                 /* eave */
	quad(rgb(150, 75, 60), 390, 492, 1210, 492, 1170, 440, 430, 440);
	rect(rgb(190, 30, 30), 580, 540, 440, 44);                 /* red sign */
	for (int i = 0; i < 9; i++)
		rect(rgb(250, 215, 90), 605 + i * 46, 552, 30, 20);
	for (int i = 0; i < 4; i++) {
		double wx = i < 2 ? 450 + i * 120 : 1000 + (i - 2) * 120;
		rect(rgb(250, 250, 248), wx - 4, 605 - 4, 88, 108);
		rect(rgb(84, 120, 150), wx, 605, 80, 100);
		rect(rgb(130, 170, 200), wx, 605, 80, 30);
		rect(rgb(250, 250, 248), wx + 38, 605, 4, 100);
	}
	rect(rgb(150, 95, 60), 740, 610, 120, 160); /* door */
	rect(rgb(120, 75, 50), 798, 610, 4, 160);
	rect(rgb(180, 180, 185), 1320, 330, 8, 440); /* flagpole */
	for (int i = 0; i < 20; i++) { /* waving flag */
		double x = 1328 + i * 8, dy = 8 * sin(i * 0.45);
		rect(rgb(215, 30, 35), x, 335 + dy, 9, 90);
	}
	tree(200, 770, 300, rgb(70, 130, 55));
	tree(300, 780, 220, rgb(88, 145, 60));
	tree(1480, 775, 280, rgb(65, 125, 50));
	Finish f = plain();
	f.x = 250, f.y = -100, f.radius = 700, f.col = rgb(255, 245, 220), f.strength = 0.25;
	finish("photos/2018/sannong-station.jpg", 101, f);
}

static void poverty_day_courtyard(void) /* 2018-10: tidying a courtyard, autumn */
{
	seed(202);
	sky(rgb(96, 146, 206), rgb(244, 222, 180), 1.2);
	ridge(rgb(170, 140, 110), 520, 40, 1.6, 21);
	ridge(rgb(196, 130, 60), 600, 25, 2.7, 22);
	for (int i = 0; i < 9; i++)
		poplar(60 + i * 190 + urand(-30, 30), 640, urand(260, 340),
		    i % 2 ? rgb(226, 178, 52) : rgb(210, 150, 40));
	rect(rgb(190, 165, 125), 0, 640, W, H - 640); /* swept yard */
	for (int i = 0; i < 500; i++)
		disc(jitter(rgb(180, 155, 118), 0.08), urand(0, W), urand(650, H), urand(2, 6));
	house(380, 660, 760, 300, rgb(236, 230, 218), rgb(48, 92, 160));
	for (int i = 0; i < 6; i++) /* corn hung by the door */
		ellipse(rgb(236, 184, 40), 640 + (i % 2) * 12, 420 + i * 34, 10, 20);
	for (int r = 0; r < 5; r++) /* log pile */
		for (int c = 0; c < 12 - r; c++) {
			double x = 1200 + c * 26 + r * 13, y = 650 - r * 24;
			disc(rgb(120, 80, 50), x, y, 13);
			disc(rgb(200, 160, 110), x, y, 9);
		}
	figure(300, 860, 240, rgb(200, 35, 35), rgb(50, 55, 70));
	line(rgb(170, 140, 80), 350, 700, 420, 890, 6); /* broom */
	tri(rgb(150, 120, 60), 395, 880, 450, 880, 420, 850);
	figure(880, 800, 200, rgb(200, 35, 35), rgb(60, 60, 75));
	figure(1000, 810, 190, rgb(90, 110, 140), rgb(55, 50, 45));
	for (int i = 0; i < 22; i++) { /* picket fence in front */
		double x = i * 75 + 10;
		rect(rgb(160, 120, 80), x, 930, 30, 137);
		tri(rgb(160, 120, 80), x, 930, x + 30, 930, x + 15, 905);
		rect(rgb(130, 95, 60), x + 24, 930, 6, 137);
	}
	rect(rgb(140, 100, 65), 0, 960, W, 16);
	rect(rgb(140, 100, 65), 0, 1030, W, 16);
	Finish f = plain();
	f.x = 1400, f.y = 250, f.radius = 600, f.col = rgb(255, 210, 140), f.strength = 0.3;
	finish("photos/2018/poverty-day-courtyard.jpg", 202, f);
}

static void muling_fields(void) /* 2019 overview: the county's farmland, summer */
{
	seed(303);
	sky(rgb(48, 108, 190), rgb(210, 228, 240), 0.7);
	cloud(250, 150, 70, rgb(252, 252, 253));
	cloud(800, 90, 50, rgb(250, 250, 252));
	cloud(1350, 200, 80, rgb(248, 248, 250));
	ridge(rgb(140, 165, 190), 440, 50, 1.1, 31);
	ridge(rgb(100, 140, 130), 500, 35, 1.9, 32);
	Col band[] = {rgb(120, 170, 60), rgb(200, 185, 80), rgb(80, 140, 55), rgb(150, 180, 70),
	    rgb(215, 195, 95), rgb(95, 150, 60), rgb(130, 175, 65)};
	double y = 540;
	for (int i = 0; i < 7; i++) {
		double h = 14 + i * 9;
		strip(band[i], y, 20, y + h + 2, 20, 1.4, 33);
		y += h;
	}
	for (int i = 0; i < 60; i++) /* a windbreak line of trees */
		disc(jitter(rgb(50, 95, 45), 0.12), i * 28, 575 + 20 * wave(i * 28 / (double)W * 6.2832 * 1.4, 33) - 8,
		    urand(9, 14));
	house(1180, 600, 90, 36, rgb(240, 238, 230), rgb(180, 60, 50));
	house(1300, 606, 70, 30, rgb(240, 238, 230), rgb(60, 100, 170));
	ridge(rgb(100, 150, 50), 790, 10, 0.8, 34);
	seed(305);
	double vy = 790 + 10 * wave(0, 34);
	rows(900, 760, 90, rgb(88, 140, 45), rgb(120, 170, 60));
	for (int i = 0; i < 2200; i++) { /* leaves on the near rows */
		double yy = urand(800, H), d = (yy - 790) / (H - 790.0);
		disc(jitter(rgb(100, 160, 55), 0.2), urand(0, W), yy, 2 + 9 * d);
	}
	(void)vy;
	Finish f = plain();
	f.x = 1300, f.y = 0, f.radius = 600, f.col = rgb(255, 250, 230), f.strength = 0.2;
	finish("photos/2019/muling-fields.jpg", 303, f);
}

static void muling_greenhouses(void) /* 2019 overview: rows of tunnels, early spring */
{
	seed(404);
	sky(rgb(150, 170, 195), rgb(228, 230, 232), 0.9);
	ridge(rgb(150, 160, 170), 430, 30, 1.2, 41);
	ridge(rgb(120, 130, 120), 470, 18, 2.0, 42);
	rect(rgb(150, 130, 100), 0, 500, W, H - 500);
	for (int i = 0; i < 300; i++) /* old snow in the furrows */
		ellipse(rgb(230, 232, 236), urand(0, W), urand(510, H), urand(8, 40), urand(1.5, 5));
	double vx = 1250, vy = 470;
	for (int row = 0; row < 6; row++) {
		double base = 560 + row * row * 14 + row * 40;
		double s = 0.45 + row * 0.25;
		for (int i = -1; i < 5; i++) {
			double cx = 120 + i * 330 * s + row * 40;
			if (cx > W + 200)
				continue;
			tunnel(cx, base, 110 * s, 80 * s, vx, vy, 0.55, rgb(215, 222, 228),
			    rgb(236, 240, 243));
		}
	}
	Finish f = plain();
	f.vignette = 0.22;
	finish("photos/2019/muling-greenhouses.jpg", 404, f);
}

static void xinli_sheep(void) /* 2019: a flock on the pasture, late afternoon */
{
	seed(505);
	sky(rgb(90, 140, 200), rgb(250, 226, 170), 1.1);
	cloud(1250, 160, 60, rgb(255, 240, 220));
	ridge(rgb(120, 140, 150), 470, 40, 1.5, 51);
	ridge(rgb(80, 120, 70), 540, 30, 2.4, 52);
	ridge(rgb(130, 170, 70), 600, 14, 1.2, 53);
	grass(600, H, 2500, rgb(120, 165, 60));
	for (int i = 0; i < 24; i++) /* fence posts */
		rect(rgb(110, 85, 60), i * 70, 600 + i * 3, 6, 50);
	line(rgb(120, 95, 70), 0, 612, W, 684, 3);
	line(rgb(120, 95, 70), 0, 628, W, 700, 3);
	rect(rgb(160, 70, 50), 1300, 560, 200, 110); /* shed */
	tri(rgb(90, 60, 50), 1280, 565, 1520, 565, 1400, 500);
	rect(rgb(60, 40, 30), 1380, 600, 40, 70);
	double sx[] = {250, 420, 560, 700, 860, 980, 1150, 330, 620, 900, 1200, 470, 1050};
	double sy[] = {720, 700, 730, 710, 740, 700, 750, 830, 860, 840, 880, 980, 1000};
	for (int i = 0; i < 13; i++) {
		double s = 60 + (sy[i] - 680) * 0.55;
		sheep(sx[i], sy[i], s, i % 3 ? 1 : -1);
	}
	figure(1450, 820, 230, rgb(70, 90, 120), rgb(60, 55, 50));
	line(rgb(120, 95, 65), 1495, 620, 1510, 830, 5);
	Finish f = plain();
	f.x = 200, f.y = 350, f.radius = 650, f.col = rgb(255, 200, 120), f.strength = 0.35;
	finish("photos/2019/xinli-sheep.jpg", 505, f);
}

static void health_radios(void) /* 2019: small radios on a kitchen table */
{
	seed(606);
	sky(rgb(214, 196, 160), rgb(170, 140, 105), 1.0); /* warm wall */
	rect(rgb(236, 236, 226), 140, 100, 420, 360); /* window */
	rect(rgb(190, 220, 240), 160, 120, 180, 320);
	rect(rgb(200, 228, 245), 360, 120, 180, 320);
	rect(rgb(160, 60, 50), 1100, 130, 300, 420); /* wall calendar */
	rect(rgb(245, 240, 230), 1115, 230, 270, 300);
	for (int r = 0; r < 5; r++)
		for (int c = 0; c < 7; c++)
			rect(rgb(120, 110, 100), 1130 + c * 37, 250 + r * 52, 22, 16);
	rect(rgb(230, 200, 60), 1150, 160, 200, 40);
	blur_canvas(6);
	rect(rgb(130, 85, 50), 0, 640, W, H - 640); /* table */
	rect(rgb(150, 100, 60), 0, 640, W, 20);
	for (int i = 0; i < 40; i++)
		rect(jitter(rgb(125, 80, 48), 0.06), 0, 670 + i * 10, W, 4);
	radio(250, 900, 380, 240, rgb(200, 45, 40));
	radio(730, 860, 320, 200, rgb(70, 110, 160));
	radio(1140, 830, 260, 170, rgb(60, 140, 100));
	quad(rgb(246, 246, 240), 1000, 1000, 1420, 960, 1500, 1060, 1060, 1067); /* booklet */
	quad(rgb(200, 40, 40), 1010, 1000, 1420, 962, 1428, 978, 1016, 1016);
	Finish f = plain();
	f.x = 350, f.y = 250, f.radius = 700, f.col = rgb(255, 235, 200), f.strength = 0.3;
	f.vignette = 0.35;
	finish("photos/2019/health-radios.jpg", 606, f);
}

static void tv_column(void) /* 2019: the city TV station's poverty-alleviation column */
{
	seed(707);
	sky(rgb(20, 30, 60), rgb(40, 50, 80), 1.0);
	for (int i = 0; i < 12; i++) /* studio lights */
		disc(rgb(255, 240, 200), 80 + i * 130, 40, 10);
	rect(rgb(15, 15, 20), 250, 140, 1100, 620); /* screen bezel */
	double sx = 270, sy = 160, sw = 1060, sh = 580;
	for (int i = 0; i < 40; i++) /* the picture on screen: sky and fields */
		rect(mix(rgb(70, 140, 220), rgb(220, 235, 245), i / 40.0), sx, sy + i * 8, sw, 8.5);
	for (int i = 0; i < 12; i++)
		quad(i % 2 ? rgb(110, 170, 60) : rgb(200, 190, 80), sx, sy + 320 + i * 22, sx + sw,
		    sy + 300 + i * 24, sx + sw, sy + 324 + i * 24, sx, sy + 342 + i * 22);
	for (int i = 0; i < 5; i++)
		tunnel(sx + 200 + i * 170, sy + 500, 70, 50, sx + 900, sy + 330, 0.4,
		    rgb(220, 225, 230), rgb(240, 242, 244));
	rect(rgb(200, 30, 35), sx, sy + sh - 90, sw, 60); /* caption bar */
	rect(rgb(250, 205, 70), sx, sy + sh - 90, 180, 60);
	for (int i = 0; i < 12; i++)
		rect(rgb(250, 245, 240), sx + 220 + i * 52, sy + sh - 72, 36, 24);
	rect(rgb(30, 30, 38), 0, 820, W, H - 820); /* floor */
	/* camera on a tripod, foreground right */
	line(rgb(30, 30, 34), 1250, 760, 1120, H, 14);
	line(rgb(30, 30, 34), 1250, 760, 1390, H, 14);
	line(rgb(30, 30, 34), 1250, 760, 1260, H, 14);
	rect(rgb(45, 45, 50), 1100, 600, 330, 170);
	rect(rgb(60, 60, 66), 1100, 600, 330, 24);
	rect(rgb(35, 35, 40), 1020, 630, 90, 110);
	disc(rgb(20, 20, 24), 1040, 685, 48);
	disc(rgb(70, 90, 130), 1040, 685, 26);
	rect(rgb(200, 30, 30), 1400, 620, 14, 14);
	Finish f = plain();
	f.x = 800, f.y = 450, f.radius = 800, f.col = rgb(120, 150, 220), f.strength = 0.22;
	f.vignette = 0.4;
	finish("photos/2019/tv-column.jpg", 707, f);
}

static void fungus_bags(void) /* 2019 bundle: black fungus on bags in the open */
{
	seed(808);
	sky(rgb(80, 140, 210), rgb(215, 232, 244), 0.8);
	ridge(rgb(80, 110, 80), 380, 30, 1.8, 81);
	for (int i = 0; i < 50; i++)
		disc(jitter(rgb(55, 100, 50), 0.15), i * 34, 395 + 24 * wave(i * 34.0 / W * 6.2832 * 1.8, 81), urand(18, 30));
	rect(rgb(128, 112, 90), 0, 420, W, H - 420);
	for (int i = 0; i < 900; i++) /* the far field: bags too small to draw */
		ellipse(i % 3 ? rgb(200, 196, 180) : rgb(90, 80, 70), urand(0, W), urand(425, 470),
		    urand(2, 5), 1.5);
	for (int r = 0; r < 11; r++) {
		double t = r / 10.0, y = 480 + 590 * pow(t, 1.5);
		double s = 14 + 80 * pow(t, 1.5), gap = s * 1.9;
		rect(rgb(150, 135, 110), 0, y - s * 0.05, W, s * 0.2); /* the bed */
		for (double x = fmod(r * 37.0, gap) - gap; x < W + gap; x += gap) {
			double bw = s * 0.62, bh = s * 1.05;
			ellipse(rgb(100, 88, 70), x + bw * 0.7, y, bw * 0.6, bw * 0.12);
			rect(rgb(228, 224, 208), x, y - bh, bw, bh);
			ellipse(rgb(238, 235, 222), x + bw / 2, y - bh, bw / 2, bw * 0.16);
			rect(rgb(198, 193, 176), x + bw * 0.72, y - bh, bw * 0.28, bh);
			for (int k = 0; k < 3; k++) /* the ears */
				ellipse(rgb(40 + k * 6, 30, 27), x + bw * urand(0.1, 0.9),
				    y - urand(0.2, 0.85) * bh, s * urand(0.08, 0.12), s * urand(0.05, 0.08));
		}
	}
	for (int i = 0; i < 5; i++) /* sprinkler mist */
		disc(rgb(235, 240, 245), 200 + i * 300, 520, 3);
	Finish f = plain();
	f.x = 1400, f.y = 0, f.radius = 700, f.col = rgb(255, 250, 235), f.strength = 0.2;
	finish("stories/2019/zhao-jilu-fungus/cover.jpg", 808, f);
}

static void fungus_drying(void) /* 2019 bundle: drying racks */
{
	seed(909);
	sky(rgb(40, 110, 200), rgb(180, 215, 240), 0.9);
	cloud(300, 120, 50, rgb(252, 252, 253));
	ridge(rgb(90, 130, 90), 420, 25, 2.0, 91);
	house(1050, 480, 320, 110, rgb(235, 232, 225), rgb(170, 55, 45));
	rect(rgb(160, 150, 125), 0, 480, W, H - 480);
	for (int r = 0; r < 4; r++) { /* long racks running away to the left */
		double y0 = 520 + r * 40 + r * r * 30, y1 = y0 + 40 + r * 45;
		double xl = 120 - r * 60, xr = 1450 + r * 80;
		double th = 10 + r * 6;
		for (double x = xl + 30; x < xr; x += 200 + r * 40) {
			rect(rgb(100, 90, 80), x, y1, 5 + r * 2, 60 + r * 25);
		}
		quad(rgb(170, 180, 175), xl, y0, xr, y0 + 20, xr + 40, y1 + 20, xl - 40, y1);
		quad(rgb(120, 130, 125), xl - 40, y1, xr + 40, y1 + 20, xr + 40, y1 + 20 + th, xl - 40,
		    y1 + th);
		int n = 320 + r * 220;
		for (int i = 0; i < n; i++) {
			double t = frand(), u = frand();
			double x = xl - 40 * u + (xr + 40 * u - xl) * t;
			double y = y0 + (y1 - y0) * u + 20 * t;
			double s = 2 + 2.5 * r;
			ellipse(mix(rgb(30, 24, 22), rgb(70, 50, 40), frand()), x, y, s * urand(0.8, 1.6),
			    s * urand(0.5, 0.9));
		}
	}
	Finish f = plain();
	finish("stories/2019/zhao-jilu-fungus/drying.jpg", 909, f);
}

static void bee_meadow(void) /* 2020 bundle: hives at the forest edge */
{
	seed(1001);
	sky(rgb(100, 160, 220), rgb(235, 240, 225), 1.0);
	ridge(rgb(60, 110, 60), 330, 40, 2.5, 101);
	for (int i = 0; i < 26; i++)
		birch(urand(0, W), urand(430, 470), urand(180, 320));
	for (int i = 0; i < 70; i++)
		disc(jitter(rgb(70, 130, 55), 0.15), urand(0, W), urand(180, 330), urand(25, 55));
	blur_canvas(3);
	rect(rgb(120, 170, 70), 0, 460, W, H - 460);
	grass(460, H, 2000, rgb(110, 165, 65));
	Col pal[] = {rgb(250, 250, 245), rgb(250, 215, 60), rgb(190, 130, 210), rgb(245, 245, 240)};
	flowers(470, H, 1400, pal, 4, 1.5, 7);
	Col paint[] = {rgb(120, 170, 210), rgb(240, 210, 90), rgb(235, 235, 228), rgb(120, 170, 210),
	    rgb(240, 210, 90)};
	for (int i = 0; i < 5; i++) {
		double base = 560 + i * 95, w = 90 + i * 38, h = 80 + i * 34;
		hive(150 + i * 270 + i * i * 10, base, w, h, paint[i]);
	}
	Finish f = plain();
	f.x = 1300, f.y = 100, f.radius = 700, f.col = rgb(255, 240, 190), f.strength = 0.3;
	finish("stories/2020/meng-qinglong-bees/cover.jpg", 1001, f);
}

static void honey_jars(void) /* 2020 bundle: honey on the table */
{
	seed(1102);
	sky(rgb(120, 150, 90), rgb(220, 190, 120), 1.0);
	for (int i = 0; i < 40; i++) /* bokeh */
		disc(jitter(rgb(250, 230, 160), 0.1), urand(0, W), urand(0, 650), urand(20, 60));
	for (int r = 0; r < 9; r++) /* a comb frame, out of focus */
		for (int c = 0; c < 14; c++)
			disc(rgb(200, 150, 50), 980 + c * 36 + (r % 2) * 18, 160 + r * 31, 15);
	blur_canvas(14);
	rect(rgb(150, 105, 65), 0, 720, W, H - 720);
	for (int i = 0; i < 30; i++)
		rect(jitter(rgb(140, 95, 58), 0.07), 0, 730 + i * 12, W, 5);
	jar(260, 920, 300, 420, rgb(225, 150, 30));
	jar(640, 880, 260, 360, rgb(205, 125, 25));
	jar(980, 860, 220, 300, rgb(235, 170, 45));
	ellipse(rgb(210, 150, 40), 1340, 900, 130, 30); /* a dish of comb */
	ellipse(rgb(240, 190, 70), 1340, 890, 110, 22);
	for (int i = 0; i < 12; i++)
		disc(rgb(220, 160, 40), 1260 + (i % 6) * 30, 880 + (i / 6) * 16, 9);
	Finish f = plain();
	f.x = 300, f.y = 200, f.radius = 700, f.col = rgb(255, 230, 170), f.strength = 0.3;
	f.vignette = 0.3;
	finish("stories/2020/meng-qinglong-bees/honey.jpg", 1102, f);
}

static void cucumbers(void) /* 2020: inside a cucumber greenhouse */
{
	seed(1203);
	sky(rgb(235, 240, 236), rgb(150, 170, 120), 1.0);
	for (int i = 0; i < 9; i++) { /* hoops overhead */
		double s = 1.0 - i * 0.1;
		ellipse_clip(rgb(190, 195, 190), 800, 520, 900 * s, 560 * s, -1e9, 520);
		ellipse_clip(mix(rgb(235, 240, 236), rgb(225, 232, 228), i / 9.0), 800, 520,
		    900 * s - 6, 560 * s - 6, -1e9, 520);
	}
	rect(rgb(150, 120, 90), 0, 560, W, H - 560);
	quad(rgb(175, 150, 115), 770, 560, 830, 560, 1150, H, 450, H); /* the aisle */
	for (int side = -1; side <= 1; side += 2)
		for (int r = 14; r >= 0; r--) { /* vine rows, far to near */
			double t = r / 14.0, z = 1 / (0.25 + 2.2 * t);
			double x = 800 + side * (70 + 900 * (1 - t) * (1 - t) + 30), h = 620 * (1 - t) + 60;
			double base = 560 + 500 * (1 - t) * (1 - t);
			(void)z;
			line(rgb(230, 230, 225), x, base - h, x, base, 1.2);
			int leaves = 10 + (int)(40 * (1 - t));
			for (int k = 0; k < leaves; k++) {
				double ly = base - urand(0.05, 1.0) * h;
				disc(jitter(k % 3 ? rgb(60, 130, 50) : rgb(90, 160, 60), 0.15),
				    x + urand(-0.13, 0.13) * h, ly, h * urand(0.03, 0.06));
			}
			for (int k = 0; k < 3 + (int)(6 * (1 - t)); k++) {
				double cy = base - urand(0.2, 0.8) * h, cx = x + urand(-0.1, 0.1) * h;
				ellipse(rgb(40, 95, 35), cx, cy, h * 0.014, h * 0.08);
				ellipse(rgb(70, 130, 50), cx - h * 0.004, cy - h * 0.01, h * 0.005, h * 0.05);
				disc(rgb(245, 210, 50), cx, cy - h * 0.085, h * 0.01);
			}
		}
	figure(1130, 1000, 330, rgb(200, 60, 90), rgb(70, 70, 90));
	ellipse_clip(rgb(60, 120, 160), 1130, 1000 - 330 * 0.91, 330 * 0.1, 330 * 0.08, -1e9,
	    1000 - 330 * 0.9); /* headscarf */
	ellipse(rgb(130, 90, 50), 620, 1030, 140, 40); /* basket */
	rect(rgb(150, 105, 60), 480, 960, 280, 70);
	ellipse(rgb(110, 75, 45), 620, 960, 140, 30);
	for (int i = 0; i < 14; i++)
		ellipse(jitter(rgb(50, 110, 40), 0.15), 520 + urand(0, 200), 955 + urand(-10, 10), 40,
		    9);
	Finish f = plain();
	f.x = 800, f.y = 80, f.radius = 700, f.col = rgb(255, 255, 245), f.strength = 0.25;
	finish("photos/2020/daqiao-cucumbers.jpg", 1203, f);
}

static void solar_greenhouse(void) /* 2020: a solar greenhouse at dusk, early spring */
{
	seed(1304);
	sky(rgb(60, 60, 120), rgb(245, 160, 100), 1.3);
	ridge(rgb(90, 80, 110), 560, 30, 1.4, 131);
	rect(rgb(210, 210, 225), 0, 600, W, H - 600); /* snow */
	for (int i = 0; i < 200; i++)
		ellipse(jitter(rgb(190, 190, 210), 0.05), urand(0, W), urand(610, H), urand(20, 80),
		    urand(2, 6));
	/* long greenhouse: back wall, curved film roof sloping to the south */
	double x0 = 100, x1 = 1500, base = 760, top = 480;
	rect(rgb(140, 110, 90), x0 + 40, top, x1 - x0 - 80, 40);
	for (int i = 0; i < 60; i++) { /* the film, bands of reflected sky */
		double t = i / 60.0, y = top + 35 + (base - top - 35) * (1 - cos(t * 1.5708)) * 1.0;
		double y2 = top + 35 + (base - top - 35) * (1 - cos((t + 1.0 / 60) * 1.5708));
		rect(mix(rgb(250, 190, 140), rgb(150, 130, 170), t), x0, y, x1 - x0, y2 - y + 1);
	}
	for (int i = 0; i <= 28; i++) /* ribs */
		rect(rgb(120, 110, 120), x0 + i * (x1 - x0) / 28.0, top + 30, 3, base - top - 30);
	rect(rgb(70, 60, 60), x0 + 20, top - 8, x1 - x0 - 40, 36); /* rolled quilt */
	rect(rgb(100, 85, 80), x0 + 20, top - 8, x1 - x0 - 40, 10);
	rect(rgb(150, 120, 95), x0 - 30, top, 30, base - top);
	rect(rgb(150, 120, 95), x1, top, 30, base - top);
	rect(rgb(60, 50, 50), x1 - 10, base - 120, 30, 120);
	for (int i = 0; i < 10; i++) /* warm light inside */
		rect(rgb(255, 215, 150), x0 + 60 + i * 140, base - 60, 40, 14);
	poplar(1560, 760, 380, rgb(40, 40, 60));
	poplar(40, 760, 300, rgb(40, 40, 60));
	Finish f = plain();
	f.x = 1250, f.y = 560, f.radius = 500, f.col = rgb(255, 170, 90), f.strength = 0.35;
	f.vignette = 0.3;
	finish("photos/2020/daqiao-greenhouse.jpg", 1304, f);
}

static void courtyard_cattle(void) /* 2020: beef cattle in a courtyard pen */
{
	seed(1405);
	sky(rgb(170, 185, 200), rgb(225, 225, 220), 1.0);
	ridge(rgb(130, 140, 140), 420, 30, 1.4, 141);
	rect(rgb(150, 120, 95), 900, 300, 650, 260); /* barn */
	tri(rgb(90, 80, 80), 870, 310, 1580, 310, 1225, 190);
	rect(rgb(70, 50, 40), 1150, 400, 150, 160);
	rect(rgb(170, 130, 100), 0, 540, W, H - 540);
	for (int i = 0; i < 600; i++)
		disc(jitter(rgb(160, 125, 95), 0.1), urand(0, W), urand(545, H), urand(2, 7));
	for (int i = 0; i < 40; i++) /* hay */
		line(rgb(225, 190, 100), 150 + urand(0, 240), 560 + urand(0, 40), 150 + urand(0, 240),
		    520 + urand(0, 40), 3);
	ellipse(rgb(220, 185, 95), 270, 560, 140, 60);
	for (int i = 0; i < 120; i++)
		line(jitter(rgb(230, 195, 110), 0.1), 270 + urand(-130, 130), 520 + urand(0, 80),
		    270 + urand(-130, 130), 520 + urand(0, 80), 2);
	cow(620, 700, 170, rgb(160, 90, 45), 1, 1);
	cow(1050, 740, 190, rgb(50, 40, 38), 0, -1);
	cow(1350, 660, 130, rgb(175, 110, 60), 1, -1);
	cow(420, 900, 230, rgb(140, 75, 40), 1, 1);
	for (int i = 0; i < 12; i++) /* rails in front */
		rect(rgb(120, 90, 65), i * 150, 850, 14, 217);
	rect(rgb(135, 100, 70), 0, 900, W, 16);
	rect(rgb(135, 100, 70), 0, 990, W, 16);
	Finish f = plain();
	f.vignette = 0.25;
	finish("photos/2020/courtyard-cattle.jpg", 1405, f);
}

static void produce_supermarket(void) /* 2020: a poverty-alleviation produce store */
{
	seed(1506);
	sky(rgb(245, 245, 240), rgb(215, 210, 200), 1.0);
	rect(rgb(200, 30, 35), 0, 40, W, 90); /* banner */
	for (int i = 0; i < 14; i++)
		rect(rgb(255, 225, 120), 140 + i * 95, 62, 60, 46);
	for (int i = 0; i < 5; i++)
		rect(rgb(255, 255, 250), 150 + i * 300, 6, 180, 14);
	Col goods[] = {rgb(220, 60, 50), rgb(240, 190, 50), rgb(90, 150, 70), rgb(240, 240, 230),
	    rgb(150, 90, 50), rgb(60, 110, 170), rgb(230, 120, 40), rgb(40, 35, 30)};
	for (int side = 0; side < 2; side++) { /* two shelf units */
		double x0 = side ? 880 : 60, w = 660;
		rect(rgb(170, 170, 175), x0, 170, w, 560);
		for (int s = 0; s < 5; s++) {
			double y = 260 + s * 105;
			rect(rgb(120, 120, 128), x0, y, w, 12);
			double x = x0 + 10;
			while (x < x0 + w - 40) {
				double bw = urand(34, 70), bh = urand(50, 88);
				Col c = goods[next_u64() % 8];
				rect(c, x, y - bh, bw, bh);
				rect(shade(c, 0.8), x + bw * 0.8, y - bh, bw * 0.2, bh);
				rect(rgb(250, 250, 245), x + bw * 0.15, y - bh * 0.6, bw * 0.6, bh * 0.2);
				x += bw + 4;
			}
		}
	}
	quad(rgb(200, 196, 188), 0, 730, W, 730, W, H, 0, H); /* floor */
	for (int i = 0; i < 14; i++)
		line(rgb(180, 176, 168), 800, 730, -1200 + i * 300, H, 2);
	for (int i = 0; i < 5; i++)
		rect(rgb(180, 176, 168), 0, 760 + i * i * 14 + i * 20, W, 2);
	/* produce crates in front: eggs, black fungus, corn, rice */
	rect(rgb(170, 120, 70), 180, 860, 300, 150);
	for (int i = 0; i < 30; i++)
		ellipse(rgb(245, 235, 215), 210 + (i % 10) * 26, 880 + (i / 10) * 30, 12, 15);
	rect(rgb(170, 120, 70), 560, 880, 300, 150);
	for (int i = 0; i < 60; i++)
		ellipse(rgb(35 + (i % 3) * 8, 28, 26), 580 + urand(0, 260), 885 + urand(0, 50), 14, 9);
	rect(rgb(170, 120, 70), 940, 860, 300, 150);
	for (int i = 0; i < 8; i++)
		ellipse(rgb(240, 190, 50), 975 + i * 32, 890, 14, 40);
	rect(rgb(235, 230, 215), 1320, 800, 180, 230); /* rice sack */
	ellipse(rgb(235, 230, 215), 1410, 800, 90, 20);
	rect(rgb(60, 130, 70), 1340, 880, 140, 50);
	Finish f = plain();
	f.x = 800, f.y = -200, f.radius = 900, f.col = rgb(255, 255, 250), f.strength = 0.12;
	f.vignette = 0.25;
	finish("photos/2020/produce-supermarket.jpg", 1506, f);
}

static void yongan_village(void) /* 2020: a village street in autumn */
{
	seed(1607);
	sky(rgb(30, 100, 200), rgb(190, 220, 240), 0.8);
	ridge(rgb(180, 140, 90), 480, 30, 1.7, 161);
	rect(rgb(150, 160, 90), 0, 520, W, H - 520);
	quad(rgb(110, 110, 115), 760, 520, 840, 520, 1300, H, 300, H); /* road */
	quad(rgb(235, 235, 230), 795, 520, 805, 520, 812, H, 788, H);
	for (int i = 0; i < 6; i++) { /* houses down both sides */
		double t = i / 5.0, s = 1 - 0.85 * t;
		double yb = 520 + 420 * (1 - t) * (1 - t) * 0.7 + 20;
		house(620 - 560 * s - 80 * s, yb, 300 * s, 120 * s, rgb(240, 236, 228),
		    i % 2 ? rgb(40, 90, 170) : rgb(180, 60, 50));
		house(980 + 300 * s, yb, 300 * s, 120 * s, rgb(238, 232, 220),
		    i % 2 ? rgb(180, 60, 50) : rgb(60, 110, 160));
	}
	for (int i = 0; i < 8; i++) { /* poplars and poles */
		double t = i / 7.0, s = 1 - 0.85 * t;
		double yb = 520 + 500 * (1 - t) * (1 - t) * 0.8 + 15;
		poplar(760 - 560 * s, yb, 520 * s, i % 2 ? rgb(235, 185, 45) : rgb(220, 150, 40));
		poplar(840 + 560 * s, yb, 500 * s, i % 2 ? rgb(225, 160, 40) : rgb(240, 195, 60));
		rect(rgb(90, 80, 70), 860 + 420 * s, yb - 420 * s, 6 * s + 1, 420 * s);
	}
	Finish f = plain();
	f.x = 300, f.y = 80, f.radius = 600, f.col = rgb(255, 240, 210), f.strength = 0.25;
	finish("photos/2020/yongan-village.jpg", 1607, f);
}

static void report_meeting(void) /* 2020: a report meeting in a hall */
{
	seed(1708);
	sky(rgb(60, 40, 40), rgb(110, 70, 60), 1.0);
	rect(rgb(180, 25, 30), 120, 110, 1360, 430); /* red backdrop */
	for (int i = 0; i < 16; i++)
		rect(rgb(255, 230, 140), 230 + i * 72, 200, 52, 52);
	for (int i = 0; i < 10; i++)
		rect(rgb(255, 230, 140), 420 + i * 78, 300, 46, 40);
	rect(rgb(120, 90, 70), 0, 540, W, 40); /* stage edge */
	rect(rgb(150, 110, 80), 0, 520, W, 26);
	for (int i = 0; i < 24; i++) /* flowers along the stage */
		disc(i % 3 ? rgb(230, 60, 80) : rgb(250, 200, 60), 40 + i * 66, 515, 20);
	for (int i = 0; i < 24; i++)
		disc(rgb(50, 120, 50), 70 + i * 66, 528, 16);
	figure(1150, 470, 200, rgb(40, 50, 70), rgb(30, 30, 40));
	rect(rgb(120, 75, 50), 1080, 380, 140, 130); /* lectern */
	rect(rgb(100, 60, 40), 1080, 380, 140, 18);
	line(rgb(30, 30, 30), 1150, 380, 1130, 330, 3);
	rect(rgb(150, 110, 80), 240, 430, 700, 60); /* table with cloth */
	rect(rgb(240, 240, 235), 240, 420, 700, 30);
	for (int i = 0; i < 5; i++)
		figure(320 + i * 140, 440, 120, rgb(40, 45, 60), rgb(30, 30, 40));
	rect(rgb(240, 240, 235), 240, 420, 700, 30);
	rect(rgb(70, 50, 45), 0, 580, W, H - 580);
	for (int r = 0; r < 4; r++) /* audience, backs of heads */
		for (int i = 0; i < 12; i++) {
			double s = 1 + r * 0.35, x = 60 + i * 135 + (r % 2) * 60, y = 700 + r * 110;
			ellipse(rgb(35 + r * 5, 35, 45), x, y + 60 * s, 60 * s, 50 * s);
			disc(rgb(25, 20, 20), x, y, 30 * s);
		}
	Finish f = plain();
	f.x = 800, f.y = 250, f.radius = 650, f.col = rgb(255, 220, 170), f.strength = 0.2;
	f.vignette = 0.4;
	finish("photos/2020/zheng-report-meeting.jpg", 1708, f);
}

static void flax_field(void) /* 2020: flax in flower */
{
	seed(1809);
	sky(rgb(120, 160, 210), rgb(236, 236, 240), 0.9);
	cloud(500, 140, 70, rgb(252, 252, 254));
	ridge(rgb(150, 160, 185), 470, 30, 1.3, 181);
	ridge(rgb(100, 130, 100), 520, 20, 2.1, 182);
	rect(rgb(110, 150, 80), 0, 545, W, H - 545);
	Col pal[] = {rgb(110, 140, 220), rgb(130, 150, 230), rgb(150, 140, 220), rgb(100, 125, 200)};
	flowers(545, 620, 3000, pal, 4, 1.0, 2.5);
	flowers(600, H, 4000, pal, 4, 2.0, 11);
	grass(560, H, 900, rgb(90, 140, 60));
	Finish f = plain();
	f.x = 1200, f.y = 60, f.radius = 650, f.col = rgb(255, 250, 235), f.strength = 0.2;
	finish("photos/2020/flax-field.jpg", 1809, f);
}

int main(int argc, char **argv)
{
	if (VIPS_INIT(argv[0]))
		vips_error_exit(NULL);
	if (argc != 2) {
		fprintf(stderr, "usage: %s CONTENT-DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	sannong_station();
	poverty_day_courtyard();
	muling_fields();
	muling_greenhouses();
	xinli_sheep();
	health_radios();
	tv_column();
	fungus_bags();
	fungus_drying();
	bee_meadow();
	honey_jars();
	cucumbers();
	solar_greenhouse();
	courtyard_cattle();
	produce_supermarket();
	yongan_village();
	report_meeting();
	flax_field();
	if (cv)
		g_object_unref(cv);
	vips_shutdown();
	return 0;
}
