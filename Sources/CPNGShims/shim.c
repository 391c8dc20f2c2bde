// libpng reports errors by longjmp out of the failing call. Swift frames must never be jumped over,
// so every libpng call lives here, each behind its own setjmp, and errors come back as statuses.
#include "CPNGShims.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct CPNGShims_Reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    uint32_t height;
    size_t rowBytes;
    /// The image data is read by `readDirect` rather than libpng (see there); the file's layout:
    int direct;
    uint32_t width;
    int fileChannels;
    int fileBitDepth;
    int outChannels;
    int outBitDepth;
    char message[256];
};

static int readDirect(CPNGShims_Reader *reader, uint8_t *pixels, char *error, size_t errorCapacity);
static int32_t encodeDirect(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride, int32_t channels,
                            int32_t bitDepth, int32_t level, int32_t filter, int32_t strategy,
                            CPNGShims_Buffer *output, char *error, size_t errorCapacity);

static void copyMessage(char *dst, size_t capacity, const char *src) {
    if (capacity == 0) return;
    snprintf(dst, capacity, "%s", src ? src : "unknown libpng error");
}

static void onError(png_structp png, png_const_charp message) {
    char *buffer = (char *)png_get_error_ptr(png);
    if (buffer) copyMessage(buffer, 256, message);
    png_longjmp(png, 1);
}

// Warnings (a bad CRC in an ancillary chunk, say) are not failures; libpng would print them to stderr.
static void onWarning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void readFromMemory(png_structp png, png_bytep out, size_t length) {
    CPNGShims_Reader *reader = (CPNGShims_Reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        png_error(png, "file is truncated");
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

CPNGShims_Reader *CPNGShims_openReader(const uint8_t *data, size_t size, uint32_t maxWidth, uint32_t maxHeight,
                                       int32_t transforms, CPNGShims_Info *info, char *error,
                                       size_t errorCapacity) {
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        copyMessage(error, errorCapacity, size == 0 ? "file is empty" : "not a PNG file (bad signature)");
        return NULL;
    }
    CPNGShims_Reader *reader = calloc(1, sizeof(CPNGShims_Reader));
    if (!reader) {
        copyMessage(error, errorCapacity, "out of memory");
        return NULL;
    }
    reader->data = data;
    reader->size = size;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader->message, onError, onWarning);
    if (!reader->png) {
        free(reader);
        copyMessage(error, errorCapacity, "libpng could not start");
        return NULL;
    }
    reader->info = png_create_info_struct(reader->png);
    if (!reader->info || setjmp(png_jmpbuf(reader->png))) {
        copyMessage(error, errorCapacity, reader->message[0] ? reader->message : "cannot read PNG header");
        CPNGShims_closeReader(reader);
        return NULL;
    }
    png_set_read_fn(reader->png, reader, readFromMemory);
    png_set_user_limits(reader->png, maxWidth, maxHeight);
#ifdef PNG_IGNORE_ADLER32
    // Every IDAT chunk's CRC is still checked, and it covers the same compressed bytes as zlib's
    // Adler-32; skipping the second checksum saves ~4% of a run's CPU. Corrupt data still fails.
    png_set_option(reader->png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
    png_read_info(reader->png, reader->info);

    int colorType = png_get_color_type(reader->png, reader->info);
    int bitDepth = png_get_bit_depth(reader->png, reader->info);
    info->fileColorType = colorType;
    info->fileBitDepth = bitDepth;
    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(reader->png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(reader->png);
    if (png_get_valid(reader->png, reader->info, PNG_INFO_tRNS)) {
        if (transforms & CPNGShims_stripAlpha) {
            // Transparency keyed to one colour carries no pixel data: ignore it.
        } else {
            png_set_tRNS_to_alpha(reader->png);
        }
    }
    if (transforms & CPNGShims_stripAlpha) png_set_strip_alpha(reader->png);
    if ((transforms & CPNGShims_grayToRGB) &&
        (colorType == PNG_COLOR_TYPE_GRAY || colorType == PNG_COLOR_TYPE_GRAY_ALPHA)) {
        png_set_gray_to_rgb(reader->png);
    }
    if (bitDepth == 16) {
        if (transforms & CPNGShims_scale16To8) {
            png_set_scale_16(reader->png);
        } else {
            const uint16_t probe = 1;
            if (*(const uint8_t *)&probe == 1) png_set_swap(reader->png);  // PNG is big-endian
        }
    }
    png_set_interlace_handling(reader->png);
    png_read_update_info(reader->png, reader->info);

    info->width = png_get_image_width(reader->png, reader->info);
    info->height = png_get_image_height(reader->png, reader->info);
    info->channels = png_get_channels(reader->png, reader->info);
    info->bitDepth = png_get_bit_depth(reader->png, reader->info);
    info->rowBytes = png_get_rowbytes(reader->png, reader->info);
    reader->height = info->height;
    reader->rowBytes = info->rowBytes;

    // The common files (8- or 16-bit grey, grey+alpha, RGB or RGBA, not interlaced, no tRNS) have
    // their image data read by `readDirect`; libpng has parsed and checked everything before it.
    int fileChannels = colorType == PNG_COLOR_TYPE_GRAY ? 1 : colorType == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
                     : colorType == PNG_COLOR_TYPE_RGB ? 3 : colorType == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 0;
    int hasAlpha = fileChannels == 2 || fileChannels == 4;
    int outChannels = fileChannels - ((transforms & CPNGShims_stripAlpha) && hasAlpha ? 1 : 0);
    if ((transforms & CPNGShims_grayToRGB) && fileChannels <= 2) outChannels += 2;
    int outBitDepth = bitDepth == 16 && (transforms & CPNGShims_scale16To8) ? 8 : bitDepth;
    if (!(transforms & CPNGShims_libpngRows) && fileChannels != 0 && (bitDepth == 8 || bitDepth == 16) &&
        png_get_interlace_type(reader->png, reader->info) == PNG_INTERLACE_NONE &&
        !png_get_valid(reader->png, reader->info, PNG_INFO_tRNS) &&
        reader->offset >= 20 && memcmp(data + reader->offset - 4, "IDAT", 4) == 0 &&
        outChannels == info->channels && outBitDepth == info->bitDepth &&
        info->rowBytes == (size_t)info->width * outChannels * (outBitDepth / 8)) {
        reader->direct = 1;
        reader->width = info->width;
        reader->fileChannels = fileChannels;
        reader->fileBitDepth = bitDepth;
        reader->outChannels = outChannels;
        reader->outBitDepth = outBitDepth;
    }
    return reader;
}

int32_t CPNGShims_readPixels(CPNGShims_Reader *reader, uint8_t *pixels, size_t capacity, char *error,
                             size_t errorCapacity) {
    if (capacity < reader->rowBytes * reader->height) {
        copyMessage(error, errorCapacity, "pixel buffer too small");
        return -1;
    }
    if (reader->direct) return readDirect(reader, pixels, error, errorCapacity);
    png_bytep *volatile rows = malloc(sizeof(png_bytep) * (reader->height ? reader->height : 1));
    if (!rows) {
        copyMessage(error, errorCapacity, "out of memory");
        return -1;
    }
    for (uint32_t y = 0; y < reader->height; y++) rows[y] = pixels + (size_t)y * reader->rowBytes;
    if (setjmp(png_jmpbuf(reader->png))) {
        copyMessage(error, errorCapacity, reader->message[0] ? reader->message : "cannot decode PNG pixels");
        free(rows);
        return -1;
    }
    png_read_image(reader->png, rows);
    // The chunks after the image data (text, time) are not needed and are not read: a file cut
    // after its last pixel still decodes completely.
    free(rows);
    return 0;
}

void CPNGShims_closeReader(CPNGShims_Reader *reader) {
    if (!reader) return;
    png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
    free(reader);
}

typedef struct {
    CPNGShims_Buffer *buffer;
    int failed;
} WriteTarget;

/// Makes room for `more` bytes after the buffer's contents (64 KiB at first, doubling); -1 when out of memory.
static int reserve(CPNGShims_Buffer *buffer, size_t more) {
    if (buffer->capacity - buffer->count >= more) return 0;
    size_t capacity = buffer->capacity ? buffer->capacity : 65536;
    while (capacity - buffer->count < more) capacity *= 2;
    uint8_t *grown = realloc(buffer->bytes, capacity);
    if (!grown) return -1;
    buffer->bytes = grown;
    buffer->capacity = capacity;
    return 0;
}

static void writeToMemory(png_structp png, png_bytep bytes, size_t length) {
    WriteTarget *target = (WriteTarget *)png_get_io_ptr(png);
    CPNGShims_Buffer *buffer = target->buffer;
    if (reserve(buffer, length) != 0) png_error(png, "out of memory");
    memcpy(buffer->bytes + buffer->count, bytes, length);
    buffer->count += length;
}

static void flushNothing(png_structp png) { (void)png; }

int32_t CPNGShims_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride, int32_t channels,
                         int32_t bitDepth, int32_t level, int32_t filters, int32_t strategy,
                         CPNGShims_Buffer *output, char *error, size_t errorCapacity) {
    static const int colorTypes[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                      PNG_COLOR_TYPE_RGBA};
    if (channels < 1 || channels > 4 || (bitDepth != 8 && bitDepth != 16) || width == 0 || height == 0) {
        copyMessage(error, errorCapacity, "unsupported image shape for PNG");
        return -1;
    }
    if (stride < (size_t)width * channels * (bitDepth / 8)) {
        copyMessage(error, errorCapacity, "row stride shorter than a row");
        return -1;
    }
    output->bytes = NULL;
    output->count = 0;
    output->capacity = 0;
    if (filters == CPNGShims_filterNone || filters == CPNGShims_filterSub || filters == CPNGShims_filterUp ||
        filters == CPNGShims_filterAvg || filters == CPNGShims_filterPaeth) {
        return encodeDirect(pixels, width, height, stride, channels, bitDepth, level, filters, strategy, output,
                            error, errorCapacity);
    }
    char message[256] = {0};
    WriteTarget target = {output, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, message, onError, onWarning);
    if (!png) {
        copyMessage(error, errorCapacity, "libpng could not start");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = malloc(sizeof(png_bytep) * height);
    if (!info || !rows || setjmp(png_jmpbuf(png))) {
        copyMessage(error, errorCapacity, message[0] ? message : "cannot encode PNG");
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(rows);
        CPNGShims_freeBuffer(output);
        return -1;
    }
    png_set_write_fn(png, &target, writeToMemory, flushNothing);
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, strategy);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    png_set_IHDR(png, info, width, height, bitDepth, colorTypes[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    if (bitDepth == 16) {
        const uint16_t probe = 1;
        if (*(const uint8_t *)&probe == 1) png_set_swap(png);
    }
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * stride);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    return 0;
}

void CPNGShims_freeBuffer(CPNGShims_Buffer *buffer) {
    free(buffer->bytes);
    buffer->bytes = NULL;
    buffer->count = 0;
    buffer->capacity = 0;
}

// MARK: - Reading image data without libpng's row machinery
//
// Debian builds libpng without its SIMD filter code, and libpng inflates one row per zlib call:
// undoing the Sub filter alone, one byte at a time, was 8% of a 640×480 run's CPU. For the files
// Veil reads by the thousand, the IDAT chunks are walked here (each chunk's CRC checked, as libpng
// does), inflated a band of rows per zlib call, and unfiltered with each pixel's neighbours held in
// registers. libpng has parsed and validated everything up to the first IDAT and decided the
// output shape; `CPNGShims_decodesDirectly` reports which path a file takes.

static uint32_t bigEndian32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint8_t paethPredictor(int a, int b, int c) {
    int p = b - c, q = a - c;
    int pa = p < 0 ? -p : p, pb = q < 0 ? -q : q, pc = p + q < 0 ? -(p + q) : p + q;
    return (uint8_t)((pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c));
}

/// Undoes one row's filter in place; `prior` is the previous unfiltered row (zeros for the first).
/// `bpp` is a constant at each call site below, so every loop is compiled for its pixel size.
static inline int unfilterRow(int filter, uint8_t *restrict row, const uint8_t *restrict prior, size_t count, int bpp) {
    switch (filter) {
    case 0:
        return 0;
    case 1:
        for (size_t i = bpp; i < count; i++) row[i] = (uint8_t)(row[i] + row[i - bpp]);
        return 0;
    case 2:
        for (size_t i = 0; i < count; i++) row[i] = (uint8_t)(row[i] + prior[i]);
        return 0;
    case 3:
        for (int i = 0; i < bpp; i++) row[i] = (uint8_t)(row[i] + (prior[i] >> 1));
        for (size_t i = bpp; i < count; i++) row[i] = (uint8_t)(row[i] + ((row[i - bpp] + prior[i]) >> 1));
        return 0;
    case 4:
        for (int i = 0; i < bpp; i++) row[i] = (uint8_t)(row[i] + prior[i]);
        for (size_t i = bpp; i < count; i++) row[i] = (uint8_t)(row[i] + paethPredictor(row[i - bpp], prior[i], prior[i - bpp]));
        return 0;
    default:
        return -1;
    }
}

#if defined(__SSE2__)
#include <emmintrin.h>

// Sub, Average and Paeth for 3- and 4-byte pixels: each pixel depends on the one before, so the
// chain runs a whole pixel per SSE2 step rather than a byte (what libpng's own SSE2 code does,
// which Debian's build leaves out). `bpp` is a constant at every call.
static inline __m128i loadPixel(const uint8_t *p, int bpp) {
    uint32_t v = 0;
    memcpy(&v, p, bpp);
    return _mm_cvtsi32_si128((int)v);
}

static inline void storePixel(uint8_t *p, __m128i x, int bpp) {
    uint32_t v = (uint32_t)_mm_cvtsi128_si32(x);
    memcpy(p, &v, bpp);
}

static inline int unfilterPixels(int filter, uint8_t *restrict row, const uint8_t *restrict prior, size_t count, int bpp) {
    const __m128i zero = _mm_setzero_si128();
    __m128i a = zero, c = zero;
    switch (filter) {
    case 1:
        for (size_t i = 0; i < count; i += bpp) {
            a = _mm_add_epi8(a, loadPixel(row + i, bpp));
            storePixel(row + i, a, bpp);
        }
        return 0;
    case 3: {
        const __m128i ones = _mm_set1_epi8(1);
        for (size_t i = 0; i < count; i += bpp) {
            __m128i b = loadPixel(prior + i, bpp);
            // (a + b) >> 1 without overflow: the rounded-up average minus the dropped half.
            __m128i average = _mm_sub_epi8(_mm_avg_epu8(a, b), _mm_and_si128(_mm_xor_si128(a, b), ones));
            a = _mm_add_epi8(loadPixel(row + i, bpp), average);
            storePixel(row + i, a, bpp);
        }
        return 0;
    }
    case 4:
        for (size_t i = 0; i < count; i += bpp) {
            __m128i b = loadPixel(prior + i, bpp);
            __m128i a16 = _mm_unpacklo_epi8(a, zero), b16 = _mm_unpacklo_epi8(b, zero), c16 = _mm_unpacklo_epi8(c, zero);
            __m128i p = _mm_sub_epi16(b16, c16), q = _mm_sub_epi16(a16, c16), r = _mm_add_epi16(p, q);
            __m128i pa = _mm_max_epi16(p, _mm_sub_epi16(zero, p));
            __m128i pb = _mm_max_epi16(q, _mm_sub_epi16(zero, q));
            __m128i pc = _mm_max_epi16(r, _mm_sub_epi16(zero, r));
            __m128i smallest = _mm_min_epi16(pc, _mm_min_epi16(pa, pb));
            // a where pa is smallest, else b where pb is, else c: libpng's order for ties.
            __m128i useA = _mm_cmpeq_epi16(smallest, pa), useB = _mm_cmpeq_epi16(smallest, pb);
            __m128i nearest = _mm_or_si128(_mm_and_si128(useB, b16), _mm_andnot_si128(useB, c16));
            nearest = _mm_or_si128(_mm_and_si128(useA, a16), _mm_andnot_si128(useA, nearest));
            a = _mm_add_epi8(loadPixel(row + i, bpp), _mm_packus_epi16(nearest, nearest));
            storePixel(row + i, a, bpp);
            c = b;
        }
        return 0;
    default:
        return unfilterRow(filter, row, prior, count, bpp);
    }
}
#endif

static int unfilter(int filter, uint8_t *row, const uint8_t *prior, size_t count, int bpp) {
#if defined(__SSE2__)
    if (bpp == 4) return unfilterPixels(filter, row, prior, count, 4);
    if (bpp == 3) return unfilterPixels(filter, row, prior, count, 3);
#endif
    switch (bpp) {
    case 3: return unfilterRow(filter, row, prior, count, 3);
    case 4: return unfilterRow(filter, row, prior, count, 4);
    case 1: return unfilterRow(filter, row, prior, count, 1);
    case 2: return unfilterRow(filter, row, prior, count, 2);
    case 6: return unfilterRow(filter, row, prior, count, 6);
    default: return unfilterRow(filter, row, prior, count, 8);
    }
}

/// Writes one unfiltered file row as the pixels libpng would deliver with the same transforms.
static void convertRow(const CPNGShims_Reader *reader, const uint8_t *src, uint8_t *dst) {
    const uint32_t width = reader->width;
    const int fc = reader->fileChannels, oc = reader->outChannels;
    const int gray = fc <= 2, alpha = oc == 2 || oc == 4;
    if (reader->fileBitDepth == 8) {
        if (fc == oc) {
            memcpy(dst, src, (size_t)width * fc);
        } else if (fc == 4 && oc == 3) {
            for (uint32_t x = 0; x < width; x++, src += 4, dst += 3) { dst[0] = src[0]; dst[1] = src[1]; dst[2] = src[2]; }
        } else {
            // Grey (+ alpha) to RGB (+ alpha), or grey+alpha without its alpha.
            for (uint32_t x = 0; x < width; x++, src += fc) {
                *dst++ = src[0];
                if (gray && oc >= 3) { *dst++ = src[0]; *dst++ = src[0]; } else if (!gray) { *dst++ = src[1]; *dst++ = src[2]; }
                if (alpha) *dst++ = src[fc - 1];
            }
        }
        return;
    }
    // 16-bit samples: scaled to 8 bits exactly as png_set_scale_16 does, or stored in host order.
    int map[4], n = 0;
    map[n++] = 0;
    if (gray && oc >= 3) { map[n++] = 0; map[n++] = 0; } else if (!gray) { map[n++] = 1; map[n++] = 2; }
    if (alpha) map[n++] = fc - 1;
    if (reader->outBitDepth == 8) {
        for (uint32_t x = 0; x < width; x++, src += 2 * fc) {
            for (int k = 0; k < n; k++) {
                int32_t high = src[2 * map[k]];
                *dst++ = (uint8_t)(high + ((((int)src[2 * map[k] + 1] - high + 128) * 65535) >> 24));
            }
        }
    } else {
        uint16_t *out = (uint16_t *)(void *)dst;
        for (uint32_t x = 0; x < width; x++, src += 2 * fc) {
            for (int k = 0; k < n; k++) *out++ = (uint16_t)((src[2 * map[k]] << 8) | src[2 * map[k] + 1]);
        }
    }
}

/// The compressed image data: IDAT chunks read in order.
typedef struct {
    z_stream zs;
    const uint8_t *data;
    size_t size;
    size_t at;        // the next unread byte of the current chunk's data
    size_t chunkEnd;  // where the current chunk's data ends (its CRC follows)
} IDATStream;

/// Inflates the next `want` bytes of image data into `out`, moving on through the IDAT chunks (each
/// chunk's CRC checked before zlib sees it). Returns NULL, or why it failed.
static const char *inflateRows(IDATStream *stream, uint8_t *out, size_t want) {
    z_stream *zs = &stream->zs;
    zs->next_out = out;
    zs->avail_out = (uInt)want;
    while (zs->avail_out > 0) {
        if (stream->at == stream->chunkEnd) {
            // The next chunk: CRC of this one's tail, then the next must be IDAT too.
            size_t next = stream->chunkEnd + 4;
            if (stream->size - next < 8) return "file is truncated";
            if (memcmp(stream->data + next + 4, "IDAT", 4) != 0) return "not enough image data";
            uint32_t length = bigEndian32(stream->data + next);
            size_t begin = next + 8;
            if (length > 0x7FFFFFFFu || length > stream->size - begin || stream->size - begin - length < 4) return "file is truncated";
            uint32_t crc = (uint32_t)crc32(crc32(0L, stream->data + begin - 4, 4), stream->data + begin, length);
            if (crc != bigEndian32(stream->data + begin + length)) return "IDAT: CRC error";
            stream->at = begin;
            stream->chunkEnd = begin + length;
            continue;
        }
        size_t available = stream->chunkEnd - stream->at;
        zs->next_in = (Bytef *)(stream->data + stream->at);
        zs->avail_in = available > 0x40000000u ? 0x40000000u : (uInt)available;
        uInt before = zs->avail_in;
        int status = inflate(zs, Z_NO_FLUSH);
        stream->at += before - zs->avail_in;
        if (status == Z_STREAM_END) return zs->avail_out > 0 ? "not enough image data" : NULL;
        if (status != Z_OK && status != Z_BUF_ERROR) return zs->msg ? zs->msg : "corrupt image data";
        if (status == Z_BUF_ERROR && zs->avail_in > 0) return "corrupt image data";
    }
    return NULL;
}

static int readDirect(CPNGShims_Reader *reader, uint8_t *pixels, char *error, size_t errorCapacity) {
    const size_t fileRowBytes = (size_t)reader->width * reader->fileChannels * (reader->fileBitDepth / 8);
    const size_t stride = fileRowBytes + 1;
    const int bpp = reader->fileChannels * (reader->fileBitDepth / 8);
    // Rows are inflated a band at a time (one zlib call for many rows, the band still in cache
    // when it is unfiltered and converted), each band's last row kept as the next one's prior.
    const size_t bandRows = stride >= 32768 ? 1 : 32768 / stride;
    uint8_t *band = malloc(stride * bandRows);
    uint8_t *prior = calloc(fileRowBytes ? fileRowBytes : 1, 1);
    IDATStream stream;
    memset(&stream, 0, sizeof stream);
    const char *failure = NULL;
    int inflating = 0;
    if (!band || !prior) { failure = "out of memory"; goto done; }
    if (inflateInit(&stream.zs) != Z_OK) { failure = "zlib could not start"; goto done; }
    inflating = 1;
    // Each chunk's CRC covers the compressed bytes, so zlib's Adler-32 is not checked (libpng is
    // told the same above).
    inflateValidate(&stream.zs, 0);
    stream.data = reader->data;
    stream.size = reader->size;
    // libpng stopped right after the first IDAT chunk's length and name: start as if at the end of
    // the chunk before it, so that inflateRows reads and checks the first chunk like every later one.
    stream.chunkEnd = reader->offset - 12;
    stream.at = stream.chunkEnd;
    for (uint32_t y = 0; y < reader->height; y += (uint32_t)bandRows) {
        size_t rows = reader->height - y < bandRows ? reader->height - y : bandRows;
        if ((failure = inflateRows(&stream, band, rows * stride)) != NULL) goto done;
        const uint8_t *above = prior;
        for (size_t r = 0; r < rows; r++) {
            uint8_t *row = band + r * stride;
            if (unfilter(row[0], row + 1, above, fileRowBytes, bpp) != 0) { failure = "bad adaptive filter value"; goto done; }
            convertRow(reader, row + 1, pixels + (size_t)(y + r) * reader->rowBytes);
            above = row + 1;
        }
        memcpy(prior, above, fileRowBytes);
    }
done:
    if (inflating) inflateEnd(&stream.zs);
    free(band);
    free(prior);
    if (failure) {
        copyMessage(error, errorCapacity, failure);
        return -1;
    }
    return 0;
}

int32_t CPNGShims_decodesDirectly(const CPNGShims_Reader *reader) { return reader->direct; }

// MARK: - Writing with one filter without libpng's row machinery
//
// With one filter for every row (what Veil writes: Sub or Up) there is nothing for libpng to
// choose, and its byte-at-a-time filter loop was 4% of a 640×480 run's CPU. Here each band of
// rows is filtered by loops the compiler vectorises (no row depends on its own output) and handed
// to zlib in one call; the file is signature, IHDR, one IDAT, IEND. Adaptive filtering (the
// fixture and archive settings) stays with libpng.

static void putBigEndian32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/// Appends a whole chunk (length, name, data, CRC).
static int appendChunk(CPNGShims_Buffer *buffer, const char *name, const uint8_t *data, uint32_t length) {
    if (reserve(buffer, (size_t)length + 12) != 0) return -1;
    uint8_t *p = buffer->bytes + buffer->count;
    putBigEndian32(p, length);
    memcpy(p + 4, name, 4);
    if (length) memcpy(p + 8, data, length);
    putBigEndian32(p + 8 + length, (uint32_t)crc32(0L, p + 4, length + 4));
    buffer->count += (size_t)length + 12;
    return 0;
}

/// Filters one row; `prior` is the previous row (zeros for the first), `out[0]` gets the filter type.
static inline void filterRow(int type, const uint8_t *restrict row, const uint8_t *restrict prior, uint8_t *restrict out,
                             size_t count, int bpp) {
    out[0] = (uint8_t)type;
    out++;
    switch (type) {
    case 0:
        memcpy(out, row, count);
        break;
    case 1:
        for (int i = 0; i < bpp; i++) out[i] = row[i];
        for (size_t i = bpp; i < count; i++) out[i] = (uint8_t)(row[i] - row[i - bpp]);
        break;
    case 2:
        for (size_t i = 0; i < count; i++) out[i] = (uint8_t)(row[i] - prior[i]);
        break;
    case 3:
        for (int i = 0; i < bpp; i++) out[i] = (uint8_t)(row[i] - (prior[i] >> 1));
        for (size_t i = bpp; i < count; i++) out[i] = (uint8_t)(row[i] - ((row[i - bpp] + prior[i]) >> 1));
        break;
    default:
        for (int i = 0; i < bpp; i++) out[i] = (uint8_t)(row[i] - prior[i]);
        for (size_t i = bpp; i < count; i++) out[i] = (uint8_t)(row[i] - paethPredictor(row[i - bpp], prior[i], prior[i - bpp]));
        break;
    }
}

static void filterRowFor(int type, const uint8_t *row, const uint8_t *prior, uint8_t *out, size_t count, int bpp) {
    switch (bpp) {
    case 1: filterRow(type, row, prior, out, count, 1); break;
    case 2: filterRow(type, row, prior, out, count, 2); break;
    case 3: filterRow(type, row, prior, out, count, 3); break;
    case 4: filterRow(type, row, prior, out, count, 4); break;
    case 6: filterRow(type, row, prior, out, count, 6); break;
    default: filterRow(type, row, prior, out, count, 8); break;
    }
}

static int32_t encodeDirect(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride, int32_t channels,
                            int32_t bitDepth, int32_t level, int32_t filter, int32_t strategy,
                            CPNGShims_Buffer *output, char *error, size_t errorCapacity) {
    static const uint8_t colorTypes[5] = {0, 0, 4, 2, 6};
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    const int type = filter == CPNGShims_filterSub ? 1 : filter == CPNGShims_filterUp ? 2
                   : filter == CPNGShims_filterAvg ? 3 : filter == CPNGShims_filterPaeth ? 4 : 0;
    const int bpp = channels * (bitDepth / 8);
    const size_t rowBytes = (size_t)width * bpp;
    const size_t bandRows = rowBytes + 1 >= 32768 ? 1 : 32768 / (rowBytes + 1);
    uint8_t *band = malloc((rowBytes + 1) * bandRows);
    uint8_t *zeros = calloc(rowBytes, 1);
    // 16-bit samples are written big-endian: rows are swapped into these two buffers first.
    uint8_t *swapped[2] = {NULL, NULL};
    if (bitDepth == 16) {
        swapped[0] = malloc(rowBytes);
        swapped[1] = malloc(rowBytes);
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    int deflating = 0;
    const char *failure = NULL;
    if (!band || !zeros || (bitDepth == 16 && (!swapped[0] || !swapped[1]))) { failure = "out of memory"; goto done; }
    if (deflateInit2(&zs, level, Z_DEFLATED, 15, 8, strategy) != Z_OK) { failure = "zlib could not start"; goto done; }
    deflating = 1;

    uint8_t header[13];
    putBigEndian32(header, width);
    putBigEndian32(header + 4, height);
    header[8] = (uint8_t)bitDepth;
    header[9] = colorTypes[channels];
    header[10] = header[11] = header[12] = 0;
    if (reserve(output, 8) != 0) { failure = "out of memory"; goto done; }
    memcpy(output->bytes, signature, 8);
    output->count = 8;
    if (appendChunk(output, "IHDR", header, 13) != 0) { failure = "out of memory"; goto done; }

    // The IDAT chunk's data is deflated straight into the buffer after room for its length and name.
    if (reserve(output, 8 + deflateBound(&zs, (uLong)(rowBytes + 1) * height) / 4 + 64) != 0) { failure = "out of memory"; goto done; }
    const size_t idat = output->count;
    output->count += 8;
    const uint8_t *prior = zeros;
    for (uint32_t y = 0; y < height; y += (uint32_t)bandRows) {
        size_t rows = height - y < bandRows ? height - y : bandRows;
        for (size_t r = 0; r < rows; r++) {
            const uint8_t *row = pixels + (size_t)(y + r) * stride;
            if (bitDepth == 16) {
                uint8_t *big = swapped[(y + r) & 1];
                const uint16_t *samples = (const uint16_t *)(const void *)row;
                for (size_t i = 0; i < rowBytes / 2; i++) { big[2 * i] = (uint8_t)(samples[i] >> 8); big[2 * i + 1] = (uint8_t)samples[i]; }
                row = big;
            }
            filterRowFor(type, row, prior, band + r * (rowBytes + 1), rowBytes, bpp);
            prior = row;
        }
        zs.next_in = band;
        zs.avail_in = (uInt)(rows * (rowBytes + 1));
        const int flush = y + rows == height ? Z_FINISH : Z_NO_FLUSH;
        for (;;) {
            if (reserve(output, 65536) != 0) { failure = "out of memory"; goto done; }
            zs.next_out = output->bytes + output->count;
            zs.avail_out = (uInt)(output->capacity - output->count > 0x40000000u ? 0x40000000u : output->capacity - output->count);
            uInt room = zs.avail_out;
            int status = deflate(&zs, flush);
            output->count += room - zs.avail_out;
            if (status == Z_STREAM_END) break;
            if (status != Z_OK && status != Z_BUF_ERROR) { failure = zs.msg ? zs.msg : "zlib failed"; goto done; }
            if (flush == Z_NO_FLUSH && zs.avail_in == 0) break;
        }
    }
    const size_t length = output->count - idat - 8;
    if (length > 0x7FFFFFFFu) { failure = "image data too large for one IDAT chunk"; goto done; }
    if (reserve(output, 4 + 12) != 0) { failure = "out of memory"; goto done; }
    putBigEndian32(output->bytes + idat, (uint32_t)length);
    memcpy(output->bytes + idat + 4, "IDAT", 4);
    putBigEndian32(output->bytes + output->count, (uint32_t)crc32(0L, output->bytes + idat + 4, (uInt)length + 4));
    output->count += 4;
    if (appendChunk(output, "IEND", NULL, 0) != 0) { failure = "out of memory"; goto done; }
done:
    if (deflating) deflateEnd(&zs);
    free(band);
    free(zeros);
    free(swapped[0]);
    free(swapped[1]);
    if (failure) {
        copyMessage(error, errorCapacity, failure);
        CPNGShims_freeBuffer(output);
        return -1;
    }
    return 0;
}
