namespace Fluxion.Kernels

open System
open System.Collections.Concurrent
open System.Numerics

/// One-dimensional FFTs that give PyTorch 1.13's CPU results bit for bit. Debian's torch is built without
/// MKL, so its CPU FFT is pocketfft (FFTPACK-style passes); matching its bits means repeating its arithmetic:
/// the same factorisation (real: 4s first, then one 2 moved to the front, then odd primes; complex: 8s, 4s, a
/// 2, odd primes), the same butterflies with the same association of every sum and product, twiddles from
/// the same double-precision table rounded once to the working type, the same choice of Bluestein for large
/// prime factors, and the normalisation factor applied where pocketfft applies it (once, at the copy-out).
/// Everything runs in the element type (float32 arithmetic for float32 tensors, as pocketfft does), so the
/// kernels are inline over ^T and instantiated for float and float32. Measured against torch 1.13 over every
/// length 1..64 and more (tests/data/fft_exact.json): bit-exact.
module internal PocketFft =
    // ---------------------------------------------------------------------------------------------------
    // Twiddle table: pocketfft builds cos/sin(2πk/n) from two small tables (k split into high and low bits)
    // whose entries are computed by libm cos/sin of a multiple of an angle 0.25·π/n, evaluated in x87 long
    // double and rounded to double, then multiplied in double and rounded once to the element type.
    // ---------------------------------------------------------------------------------------------------

    /// The 64-bit mantissa of the x87 long double nearest π (π = PiMant·2^-62).
    let private piMant = BigInteger.Parse("14488038916154245685")

    /// num/den rounded to nearest-even with `bits` significant bits, as (mantissa, exponent).
    let private roundRational (num: BigInteger) (den: BigInteger) (bits: int) =
        // Pick e so that num / (den·2^e) lies in [2^(bits-1), 2^bits).
        let mutable e = int (num.GetBitLength()) - int (den.GetBitLength()) - bits
        let scaled (e: int) = if e >= 0 then struct (num, den <<< e) else struct (num <<< -e, den)
        let mutable struct (a, b) = scaled e
        while BigInteger.Divide(a, b) >= (BigInteger.One <<< bits) do
            e <- e + 1
            let struct (x, y) = scaled e in a <- x; b <- y
        while BigInteger.Divide(a, b) < (BigInteger.One <<< (bits - 1)) do
            e <- e - 1
            let struct (x, y) = scaled e in a <- x; b <- y
        let qq = BigInteger.Divide(a, b)
        let r = BigInteger.Remainder(a, b)
        let twice = r * BigInteger(2)
        let up = twice > b || (twice = b && not qq.IsEven)
        struct ((if up then qq + BigInteger.One else qq), e)

    /// double(0.25L·π/n) computed as glibc's x87 long double arithmetic does it: the quotient rounded to
    /// 64 bits, then to 53 (the double rounding can differ from the correctly rounded double).
    let private angle (n: int) =
        let struct (m64, e64) = roundRational piMant (BigInteger(n) <<< 64) 64
        let struct (m53, e53) = roundRational m64 BigInteger.One 53
        Math.ScaleB(float m53, e53 + e64)

    /// pocketfft's octant-reduced cos/sin of 2π·x/n, the angle being `ang` = 0.25·π/n (in double).
    let private calc (x: int64) (n: int64) (ang: float) =
        let x = x <<< 3
        let cs (v: int64) = struct (Math.Cos(float v * ang), Math.Sin(float v * ang))
        if x < 4L * n then
            if x < 2L * n then
                if x < n then cs x
                else let struct (c, s) = cs (2L * n - x) in struct (s, c)
            else
                let x = x - 2L * n
                if x < n then let struct (c, s) = cs x in struct (-s, c)
                else let struct (c, s) = cs (2L * n - x) in struct (-c, s)
        else
            let x = 8L * n - x
            if x < 2L * n then
                if x < n then let struct (c, s) = cs x in struct (c, -s)
                else let struct (c, s) = cs (2L * n - x) in struct (s, -c)
            else
                let x = x - 2L * n
                if x < n then let struct (c, s) = cs x in struct (-s, -c)
                else let struct (c, s) = cs (2L * n - x) in struct (-c, -s)

    /// The double-precision products cos/sin(2πk/n) for k < n, before rounding to the element type.
    type Twiddles(n: int) =
        let ang = angle n
        let nval = (n + 2) / 2
        let shift =
            let mutable s = 1
            while (1L <<< s) * (1L <<< s) < int64 nval do s <- s + 1
            s
        let mask = (1 <<< shift) - 1
        let v1 = Array.init (mask + 1) (fun i -> if i = 0 then struct (1.0, 0.0) else calc (int64 i) (int64 n) ang)
        let v2 = Array.init ((nval + mask) / (mask + 1)) (fun i -> if i = 0 then struct (1.0, 0.0) else calc (int64 i * int64 (mask + 1)) (int64 n) ang)
        /// (re, im) of e^{2πi·idx/n} in double; the caller rounds each part to its element type.
        member _.Item(idx: int) : struct (float * float) =
            let get (i: int) =
                let struct (ar, ai) = v1.[i &&& mask]
                let struct (br, bi) = v2.[i >>> shift]
                struct (ar * br - ai * bi, ar * bi + ai * br)
            if 2L * int64 idx <= int64 n then get idx
            else let struct (r, i) = get (n - idx) in struct (r, -i)

    // ---------------------------------------------------------------------------------------------------
    // Real transforms (FFTPACK rfftp): halfcomplex layout r0, r1, i1, r2, i2, ..., [r_{n/2}].
    // ---------------------------------------------------------------------------------------------------

    /// A real plan: factors in pocketfft's order, per-factor twiddles (tw) and, for factors above 5, the
    /// cos/sin table of the generic pass (tws), all already rounded to the element type.
    type RealPlan<'T> = { N: int; Factors: int[]; Tw: 'T[][]; Tws: 'T[][] }

    let realFactors (n: int) =
        let f = ResizeArray()
        let mutable len = n
        while len % 4 = 0 do
            f.Add 4
            len <- len / 4
        if len % 2 = 0 then
            len <- len / 2
            f.Add 2
            let t = f.[0] in f.[0] <- f.[f.Count - 1]; f.[f.Count - 1] <- t
        let mutable d = 3
        while d * d <= len do
            while len % d = 0 do
                f.Add d
                len <- len / d
            d <- d + 2
        if len > 1 then f.Add len
        f.ToArray()

    let inline makeRealPlan (conv: float -> ^T) (n: int) : RealPlan< ^T > =
        if n = 1 then { N = 1; Factors = [||]; Tw = [||]; Tws = [||] }
        else
            let fact = realFactors n
            let twid = Twiddles n
            let tw = Array.zeroCreate fact.Length
            let tws = Array.zeroCreate fact.Length
            let mutable l1 = 1
            for k in 0 .. fact.Length - 1 do
                let ip = fact.[k]
                let ido = n / (l1 * ip)
                let a = Array.zeroCreate (max 0 ((ip - 1) * (ido - 1)))
                if k < fact.Length - 1 then
                    for j in 1 .. ip - 1 do
                        for i in 1 .. (ido - 1) / 2 do
                            let struct (r, im) = twid.[j * l1 * i]
                            a.[(j - 1) * (ido - 1) + 2 * i - 2] <- conv r
                            a.[(j - 1) * (ido - 1) + 2 * i - 1] <- conv im
                tw.[k] <- a
                if ip > 5 then
                    let cs = Array.zeroCreate (2 * ip)
                    cs.[0] <- conv 1.0
                    cs.[1] <- conv 0.0
                    let mutable i = 2
                    let mutable ic = 2 * ip - 2
                    while i <= ic do
                        let struct (r, im) = twid.[i / 2 * (n / ip)]
                        cs.[i] <- conv r
                        cs.[i + 1] <- conv im
                        cs.[ic] <- conv r
                        cs.[ic + 1] <- -(conv im)
                        i <- i + 2
                        ic <- ic - 2
                    tws.[k] <- cs
                else tws.[k] <- [||]
                l1 <- l1 * ip
            { N = n; Factors = fact; Tw = tw; Tws = tws }

    let inline private radf2 ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) =
        let inline CC a b c = cc.[a + ido * (b + l1 * c)]
        let inline CH a b c = a + ido * (b + 2 * c)
        let inline WA x i = wa.[i + x * (ido - 1)]
        for k in 0 .. l1 - 1 do
            ch.[CH 0 0 k] <- CC 0 k 0 + CC 0 k 1
            ch.[CH (ido - 1) 1 k] <- CC 0 k 0 - CC 0 k 1
        if ido &&& 1 = 0 then
            for k in 0 .. l1 - 1 do
                ch.[CH 0 1 k] <- -(CC (ido - 1) k 1)
                ch.[CH (ido - 1) 0 k] <- CC (ido - 1) k 0
        if ido > 2 then
            for k in 0 .. l1 - 1 do
                for i in 2 .. 2 .. ido - 1 do
                    let ic = ido - i
                    let tr2 = WA 0 (i - 2) * CC (i - 1) k 1 + WA 0 (i - 1) * CC i k 1
                    let ti2 = WA 0 (i - 2) * CC i k 1 - WA 0 (i - 1) * CC (i - 1) k 1
                    ch.[CH (i - 1) 0 k] <- CC (i - 1) k 0 + tr2
                    ch.[CH (ic - 1) 1 k] <- CC (i - 1) k 0 - tr2
                    ch.[CH i 0 k] <- ti2 + CC i k 0
                    ch.[CH ic 1 k] <- ti2 - CC i k 0

    let inline private radf3 ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let taur = conv -0.5
        let taui = conv 0.8660254037844386467637231707529362
        let inline CC a b c = cc.[a + ido * (b + l1 * c)]
        let inline CH a b c = a + ido * (b + 3 * c)
        let inline WA x i = wa.[i + x * (ido - 1)]
        for k in 0 .. l1 - 1 do
            let cr2 = CC 0 k 1 + CC 0 k 2
            ch.[CH 0 0 k] <- CC 0 k 0 + cr2
            ch.[CH 0 2 k] <- taui * (CC 0 k 2 - CC 0 k 1)
            ch.[CH (ido - 1) 1 k] <- CC 0 k 0 + taur * cr2
        if ido > 1 then
            for k in 0 .. l1 - 1 do
                for i in 2 .. 2 .. ido - 1 do
                    let ic = ido - i
                    let dr2 = WA 0 (i - 2) * CC (i - 1) k 1 + WA 0 (i - 1) * CC i k 1
                    let di2 = WA 0 (i - 2) * CC i k 1 - WA 0 (i - 1) * CC (i - 1) k 1
                    let dr3 = WA 1 (i - 2) * CC (i - 1) k 2 + WA 1 (i - 1) * CC i k 2
                    let di3 = WA 1 (i - 2) * CC i k 2 - WA 1 (i - 1) * CC (i - 1) k 2
                    // a2 = a + b, b2 = i·(b − a), as pocketfft's rearrangement.
                    let r2 = dr2 + dr3
                    let i2 = di2 + di3
                    let r3 = di2 - di3
                    let i3 = dr3 - dr2
                    ch.[CH (i - 1) 0 k] <- CC (i - 1) k 0 + r2
                    ch.[CH i 0 k] <- CC i k 0 + i2
                    let tr2 = CC (i - 1) k 0 + taur * r2
                    let ti2 = CC i k 0 + taur * i2
                    let tr3 = taui * r3
                    let ti3 = taui * i3
                    ch.[CH (i - 1) 2 k] <- tr2 + tr3
                    ch.[CH (ic - 1) 1 k] <- tr2 - tr3
                    ch.[CH i 2 k] <- ti3 + ti2
                    ch.[CH ic 1 k] <- ti3 - ti2

    let inline private radf4 ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let hsqt2 = conv 0.707106781186547524400844362104849
        let inline CC a b c = cc.[a + ido * (b + l1 * c)]
        let inline CH a b c = a + ido * (b + 4 * c)
        let inline WA x i = wa.[i + x * (ido - 1)]
        for k in 0 .. l1 - 1 do
            let tr1 = CC 0 k 3 + CC 0 k 1
            ch.[CH 0 2 k] <- CC 0 k 3 - CC 0 k 1
            let tr2 = CC 0 k 0 + CC 0 k 2
            ch.[CH (ido - 1) 1 k] <- CC 0 k 0 - CC 0 k 2
            ch.[CH 0 0 k] <- tr2 + tr1
            ch.[CH (ido - 1) 3 k] <- tr2 - tr1
        if ido &&& 1 = 0 then
            for k in 0 .. l1 - 1 do
                let ti1 = -hsqt2 * (CC (ido - 1) k 1 + CC (ido - 1) k 3)
                let tr1 = hsqt2 * (CC (ido - 1) k 1 - CC (ido - 1) k 3)
                ch.[CH (ido - 1) 0 k] <- CC (ido - 1) k 0 + tr1
                ch.[CH (ido - 1) 2 k] <- CC (ido - 1) k 0 - tr1
                ch.[CH 0 3 k] <- ti1 + CC (ido - 1) k 2
                ch.[CH 0 1 k] <- ti1 - CC (ido - 1) k 2
        if ido > 2 then
            for k in 0 .. l1 - 1 do
                for i in 2 .. 2 .. ido - 1 do
                    let ic = ido - i
                    let cr2 = WA 0 (i - 2) * CC (i - 1) k 1 + WA 0 (i - 1) * CC i k 1
                    let ci2 = WA 0 (i - 2) * CC i k 1 - WA 0 (i - 1) * CC (i - 1) k 1
                    let cr3 = WA 1 (i - 2) * CC (i - 1) k 2 + WA 1 (i - 1) * CC i k 2
                    let ci3 = WA 1 (i - 2) * CC i k 2 - WA 1 (i - 1) * CC (i - 1) k 2
                    let cr4 = WA 2 (i - 2) * CC (i - 1) k 3 + WA 2 (i - 1) * CC i k 3
                    let ci4 = WA 2 (i - 2) * CC i k 3 - WA 2 (i - 1) * CC (i - 1) k 3
                    let tr1 = cr4 + cr2
                    let tr4 = cr4 - cr2
                    let ti1 = ci2 + ci4
                    let ti4 = ci2 - ci4
                    let tr2 = CC (i - 1) k 0 + cr3
                    let tr3 = CC (i - 1) k 0 - cr3
                    let ti2 = CC i k 0 + ci3
                    let ti3 = CC i k 0 - ci3
                    ch.[CH (i - 1) 0 k] <- tr2 + tr1
                    ch.[CH (ic - 1) 3 k] <- tr2 - tr1
                    ch.[CH i 0 k] <- ti1 + ti2
                    ch.[CH ic 3 k] <- ti1 - ti2
                    ch.[CH (i - 1) 2 k] <- tr3 + ti4
                    ch.[CH (ic - 1) 1 k] <- tr3 - ti4
                    ch.[CH i 2 k] <- tr4 + ti3
                    ch.[CH ic 1 k] <- tr4 - ti3

    let inline private radf5 ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let tr11 = conv 0.3090169943749474241022934171828191
        let ti11 = conv 0.9510565162951535721164393333793821
        let tr12 = conv -0.8090169943749474241022934171828191
        let ti12 = conv 0.5877852522924731291687059546390728
        let inline CC a b c = cc.[a + ido * (b + l1 * c)]
        let inline CH a b c = a + ido * (b + 5 * c)
        let inline WA x i = wa.[i + x * (ido - 1)]
        for k in 0 .. l1 - 1 do
            let cr2 = CC 0 k 4 + CC 0 k 1
            let ci5 = CC 0 k 4 - CC 0 k 1
            let cr3 = CC 0 k 3 + CC 0 k 2
            let ci4 = CC 0 k 3 - CC 0 k 2
            ch.[CH 0 0 k] <- CC 0 k 0 + cr2 + cr3
            ch.[CH (ido - 1) 1 k] <- CC 0 k 0 + tr11 * cr2 + tr12 * cr3
            ch.[CH 0 2 k] <- ti11 * ci5 + ti12 * ci4
            ch.[CH (ido - 1) 3 k] <- CC 0 k 0 + tr12 * cr2 + tr11 * cr3
            ch.[CH 0 4 k] <- ti12 * ci5 - ti11 * ci4
        if ido > 1 then
            for k in 0 .. l1 - 1 do
                for i in 2 .. 2 .. ido - 1 do
                    let ic = ido - i
                    let dr2 = WA 0 (i - 2) * CC (i - 1) k 1 + WA 0 (i - 1) * CC i k 1
                    let di2 = WA 0 (i - 2) * CC i k 1 - WA 0 (i - 1) * CC (i - 1) k 1
                    let dr3 = WA 1 (i - 2) * CC (i - 1) k 2 + WA 1 (i - 1) * CC i k 2
                    let di3 = WA 1 (i - 2) * CC i k 2 - WA 1 (i - 1) * CC (i - 1) k 2
                    let dr4 = WA 2 (i - 2) * CC (i - 1) k 3 + WA 2 (i - 1) * CC i k 3
                    let di4 = WA 2 (i - 2) * CC i k 3 - WA 2 (i - 1) * CC (i - 1) k 3
                    let dr5 = WA 3 (i - 2) * CC (i - 1) k 4 + WA 3 (i - 1) * CC i k 4
                    let di5 = WA 3 (i - 2) * CC i k 4 - WA 3 (i - 1) * CC (i - 1) k 4
                    // The rearrangement (a, b) → (a + b, i·(b − a)) on the pairs (2, 5) and (3, 4).
                    let r2 = dr2 + dr5
                    let i2 = di2 + di5
                    let r5 = di2 - di5
                    let i5 = dr5 - dr2
                    let r3 = dr3 + dr4
                    let i3 = di3 + di4
                    let r4 = di3 - di4
                    let i4 = dr4 - dr3
                    ch.[CH (i - 1) 0 k] <- CC (i - 1) k 0 + r2 + r3
                    ch.[CH i 0 k] <- CC i k 0 + i2 + i3
                    let tr2 = CC (i - 1) k 0 + tr11 * r2 + tr12 * r3
                    let ti2 = CC i k 0 + tr11 * i2 + tr12 * i3
                    let tr3 = CC (i - 1) k 0 + tr12 * r2 + tr11 * r3
                    let ti3 = CC i k 0 + tr12 * i2 + tr11 * i3
                    let tr5 = ti11 * r5 + ti12 * r4
                    let ti5 = ti11 * i5 + ti12 * i4
                    let tr4 = ti12 * r5 - ti11 * r4
                    let ti4 = ti12 * i5 - ti11 * i4
                    ch.[CH (i - 1) 2 k] <- tr2 + tr5
                    ch.[CH (ic - 1) 1 k] <- tr2 - tr5
                    ch.[CH i 2 k] <- ti5 + ti2
                    ch.[CH ic 1 k] <- ti5 - ti2
                    ch.[CH (i - 1) 4 k] <- tr3 + tr4
                    ch.[CH (ic - 1) 3 k] <- tr3 - tr4
                    ch.[CH i 4 k] <- ti4 + ti3
                    ch.[CH ic 3 k] <- ti4 - ti3

    /// The generic odd-prime forward pass; its result lands back in cc (pocketfft swaps buffers twice).
    let inline private radfg ido ip l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (csarr: ^T[]) =
        let ipph = (ip + 1) / 2
        let idl1 = ido * l1
        let inline CCi a b c = a + ido * (b + ip * c)
        let inline CHi a b c = a + ido * (b + l1 * c)
        let inline C1i a b c = a + ido * (b + l1 * c)
        let inline C2i a b = a + idl1 * b
        if ido > 1 then
            for j in 1 .. ipph - 1 do
                let jc = ip - j
                let is1 = (j - 1) * (ido - 1)
                let is2 = (jc - 1) * (ido - 1)
                for k in 0 .. l1 - 1 do
                    let mutable idij = is1
                    let mutable idij2 = is2
                    for i in 1 .. 2 .. ido - 2 do
                        let t1 = cc.[C1i i k j]
                        let t2 = cc.[C1i (i + 1) k j]
                        let t3 = cc.[C1i i k jc]
                        let t4 = cc.[C1i (i + 1) k jc]
                        let x1 = wa.[idij] * t1 + wa.[idij + 1] * t2
                        let x2 = wa.[idij] * t2 - wa.[idij + 1] * t1
                        let x3 = wa.[idij2] * t3 + wa.[idij2 + 1] * t4
                        let x4 = wa.[idij2] * t4 - wa.[idij2 + 1] * t3
                        cc.[C1i i k j] <- x3 + x1
                        cc.[C1i (i + 1) k jc] <- x3 - x1
                        cc.[C1i (i + 1) k j] <- x2 + x4
                        cc.[C1i i k jc] <- x2 - x4
                        idij <- idij + 2
                        idij2 <- idij2 + 2
        for j in 1 .. ipph - 1 do
            let jc = ip - j
            for k in 0 .. l1 - 1 do
                let a = cc.[C1i 0 k jc]
                let b = cc.[C1i 0 k j]
                cc.[C1i 0 k jc] <- a - b
                cc.[C1i 0 k j] <- a + b
        for l in 1 .. ipph - 1 do
            let lc = ip - l
            for ik in 0 .. idl1 - 1 do
                ch.[C2i ik l] <- cc.[C2i ik 0] + csarr.[2 * l] * cc.[C2i ik 1] + csarr.[4 * l] * cc.[C2i ik 2]
                ch.[C2i ik lc] <- csarr.[2 * l + 1] * cc.[C2i ik (ip - 1)] + csarr.[4 * l + 1] * cc.[C2i ik (ip - 2)]
            let mutable iang = 2 * l
            let mutable j = 3
            let mutable jc = ip - 3
            let inline next () =
                iang <- iang + l
                if iang >= ip then iang <- iang - ip
                struct (csarr.[2 * iang], csarr.[2 * iang + 1])
            while j < ipph - 3 do
                let struct (ar1, ai1) = next ()
                let struct (ar2, ai2) = next ()
                let struct (ar3, ai3) = next ()
                let struct (ar4, ai4) = next ()
                for ik in 0 .. idl1 - 1 do
                    ch.[C2i ik l] <- ch.[C2i ik l] + (ar1 * cc.[C2i ik j] + ar2 * cc.[C2i ik (j + 1)] + ar3 * cc.[C2i ik (j + 2)] + ar4 * cc.[C2i ik (j + 3)])
                    ch.[C2i ik lc] <- ch.[C2i ik lc] + (ai1 * cc.[C2i ik jc] + ai2 * cc.[C2i ik (jc - 1)] + ai3 * cc.[C2i ik (jc - 2)] + ai4 * cc.[C2i ik (jc - 3)])
                j <- j + 4
                jc <- jc - 4
            while j < ipph - 1 do
                let struct (ar1, ai1) = next ()
                let struct (ar2, ai2) = next ()
                for ik in 0 .. idl1 - 1 do
                    ch.[C2i ik l] <- ch.[C2i ik l] + (ar1 * cc.[C2i ik j] + ar2 * cc.[C2i ik (j + 1)])
                    ch.[C2i ik lc] <- ch.[C2i ik lc] + (ai1 * cc.[C2i ik jc] + ai2 * cc.[C2i ik (jc - 1)])
                j <- j + 2
                jc <- jc - 2
            while j < ipph do
                let struct (ar, ai) = next ()
                for ik in 0 .. idl1 - 1 do
                    ch.[C2i ik l] <- ch.[C2i ik l] + ar * cc.[C2i ik j]
                    ch.[C2i ik lc] <- ch.[C2i ik lc] + ai * cc.[C2i ik jc]
                j <- j + 1
                jc <- jc - 1
        for ik in 0 .. idl1 - 1 do
            ch.[C2i ik 0] <- cc.[C2i ik 0]
        for j in 1 .. ipph - 1 do
            for ik in 0 .. idl1 - 1 do
                ch.[C2i ik 0] <- ch.[C2i ik 0] + cc.[C2i ik j]
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                cc.[CCi i 0 k] <- ch.[CHi i k 0]
        for j in 1 .. ipph - 1 do
            let jc = ip - j
            let j2 = 2 * j - 1
            for k in 0 .. l1 - 1 do
                cc.[CCi (ido - 1) j2 k] <- ch.[CHi 0 k j]
                cc.[CCi 0 (j2 + 1) k] <- ch.[CHi 0 k jc]
        if ido > 1 then
            for j in 1 .. ipph - 1 do
                let jc = ip - j
                let j2 = 2 * j - 1
                for k in 0 .. l1 - 1 do
                    let mutable i = 1
                    let mutable ic = ido - 3
                    while i <= ido - 2 do
                        cc.[CCi i (j2 + 1) k] <- ch.[CHi i k j] + ch.[CHi i k jc]
                        cc.[CCi ic j2 k] <- ch.[CHi i k j] - ch.[CHi i k jc]
                        cc.[CCi (i + 1) (j2 + 1) k] <- ch.[CHi (i + 1) k j] + ch.[CHi (i + 1) k jc]
                        cc.[CCi (ic + 1) j2 k] <- ch.[CHi (i + 1) k jc] - ch.[CHi (i + 1) k j]
                        i <- i + 2
                        ic <- ic - 2

    let inline private radb2 ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) =
        let two = LanguagePrimitives.GenericOne< ^T> + LanguagePrimitives.GenericOne< ^T>
        let inline CC a b c = cc.[a + ido * (b + 2 * c)]
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = wa.[i + x * (ido - 1)]
        for k in 0 .. l1 - 1 do
            ch.[CH 0 k 0] <- CC 0 0 k + CC (ido - 1) 1 k
            ch.[CH 0 k 1] <- CC 0 0 k - CC (ido - 1) 1 k
        if ido &&& 1 = 0 then
            for k in 0 .. l1 - 1 do
                ch.[CH (ido - 1) k 0] <- two * CC (ido - 1) 0 k
                ch.[CH (ido - 1) k 1] <- -two * CC 0 1 k
        if ido > 2 then
            for k in 0 .. l1 - 1 do
                for i in 2 .. 2 .. ido - 1 do
                    let ic = ido - i
                    ch.[CH (i - 1) k 0] <- CC (i - 1) 0 k + CC (ic - 1) 1 k
                    let tr2 = CC (i - 1) 0 k - CC (ic - 1) 1 k
                    let ti2 = CC i 0 k + CC ic 1 k
                    ch.[CH i k 0] <- CC i 0 k - CC ic 1 k
                    ch.[CH i k 1] <- WA 0 (i - 2) * ti2 + WA 0 (i - 1) * tr2
                    ch.[CH (i - 1) k 1] <- WA 0 (i - 2) * tr2 - WA 0 (i - 1) * ti2

    let inline private radb3 ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let two = LanguagePrimitives.GenericOne< ^T> + LanguagePrimitives.GenericOne< ^T>
        let taur = conv -0.5
        let taui = conv 0.8660254037844386467637231707529362
        let inline CC a b c = cc.[a + ido * (b + 3 * c)]
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = wa.[i + x * (ido - 1)]
        for k in 0 .. l1 - 1 do
            let tr2 = two * CC (ido - 1) 1 k
            let cr2 = CC 0 0 k + taur * tr2
            ch.[CH 0 k 0] <- CC 0 0 k + tr2
            let ci3 = (two * taui) * CC 0 2 k
            ch.[CH 0 k 2] <- cr2 + ci3
            ch.[CH 0 k 1] <- cr2 - ci3
        if ido > 1 then
            for k in 0 .. l1 - 1 do
                for i in 2 .. 2 .. ido - 1 do
                    let ic = ido - i
                    let tr2 = CC (i - 1) 2 k + CC (ic - 1) 1 k
                    let ti2 = CC i 2 k - CC ic 1 k
                    let cr2 = CC (i - 1) 0 k + taur * tr2
                    let ci2 = CC i 0 k + taur * ti2
                    ch.[CH (i - 1) k 0] <- CC (i - 1) 0 k + tr2
                    ch.[CH i k 0] <- CC i 0 k + ti2
                    let cr3 = taui * (CC (i - 1) 2 k - CC (ic - 1) 1 k)
                    let ci3 = taui * (CC i 2 k + CC ic 1 k)
                    let dr3 = cr2 + ci3
                    let dr2 = cr2 - ci3
                    let di2 = ci2 + cr3
                    let di3 = ci2 - cr3
                    ch.[CH i k 1] <- WA 0 (i - 2) * di2 + WA 0 (i - 1) * dr2
                    ch.[CH (i - 1) k 1] <- WA 0 (i - 2) * dr2 - WA 0 (i - 1) * di2
                    ch.[CH i k 2] <- WA 1 (i - 2) * di3 + WA 1 (i - 1) * dr3
                    ch.[CH (i - 1) k 2] <- WA 1 (i - 2) * dr3 - WA 1 (i - 1) * di3

    let inline private radb4 ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let two = LanguagePrimitives.GenericOne< ^T> + LanguagePrimitives.GenericOne< ^T>
        let sqrt2 = conv 1.414213562373095048801688724209698
        let inline CC a b c = cc.[a + ido * (b + 4 * c)]
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = wa.[i + x * (ido - 1)]
        for k in 0 .. l1 - 1 do
            let tr2 = CC 0 0 k + CC (ido - 1) 3 k
            let tr1 = CC 0 0 k - CC (ido - 1) 3 k
            let tr3 = two * CC (ido - 1) 1 k
            let tr4 = two * CC 0 2 k
            ch.[CH 0 k 0] <- tr2 + tr3
            ch.[CH 0 k 2] <- tr2 - tr3
            ch.[CH 0 k 3] <- tr1 + tr4
            ch.[CH 0 k 1] <- tr1 - tr4
        if ido &&& 1 = 0 then
            for k in 0 .. l1 - 1 do
                let ti1 = CC 0 3 k + CC 0 1 k
                let ti2 = CC 0 3 k - CC 0 1 k
                let tr2 = CC (ido - 1) 0 k + CC (ido - 1) 2 k
                let tr1 = CC (ido - 1) 0 k - CC (ido - 1) 2 k
                ch.[CH (ido - 1) k 0] <- tr2 + tr2
                ch.[CH (ido - 1) k 1] <- sqrt2 * (tr1 - ti1)
                ch.[CH (ido - 1) k 2] <- ti2 + ti2
                ch.[CH (ido - 1) k 3] <- -sqrt2 * (tr1 + ti1)
        if ido > 2 then
            for k in 0 .. l1 - 1 do
                for i in 2 .. 2 .. ido - 1 do
                    let ic = ido - i
                    let tr2 = CC (i - 1) 0 k + CC (ic - 1) 3 k
                    let tr1 = CC (i - 1) 0 k - CC (ic - 1) 3 k
                    let ti1 = CC i 0 k + CC ic 3 k
                    let ti2 = CC i 0 k - CC ic 3 k
                    let tr4 = CC i 2 k + CC ic 1 k
                    let ti3 = CC i 2 k - CC ic 1 k
                    let tr3 = CC (i - 1) 2 k + CC (ic - 1) 1 k
                    let ti4 = CC (i - 1) 2 k - CC (ic - 1) 1 k
                    ch.[CH (i - 1) k 0] <- tr2 + tr3
                    let cr3 = tr2 - tr3
                    ch.[CH i k 0] <- ti2 + ti3
                    let ci3 = ti2 - ti3
                    let cr4 = tr1 + tr4
                    let cr2 = tr1 - tr4
                    let ci2 = ti1 + ti4
                    let ci4 = ti1 - ti4
                    ch.[CH i k 1] <- WA 0 (i - 2) * ci2 + WA 0 (i - 1) * cr2
                    ch.[CH (i - 1) k 1] <- WA 0 (i - 2) * cr2 - WA 0 (i - 1) * ci2
                    ch.[CH i k 2] <- WA 1 (i - 2) * ci3 + WA 1 (i - 1) * cr3
                    ch.[CH (i - 1) k 2] <- WA 1 (i - 2) * cr3 - WA 1 (i - 1) * ci3
                    ch.[CH i k 3] <- WA 2 (i - 2) * ci4 + WA 2 (i - 1) * cr4
                    ch.[CH (i - 1) k 3] <- WA 2 (i - 2) * cr4 - WA 2 (i - 1) * ci4

    let inline private radb5 ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let tr11 = conv 0.3090169943749474241022934171828191
        let ti11 = conv 0.9510565162951535721164393333793821
        let tr12 = conv -0.8090169943749474241022934171828191
        let ti12 = conv 0.5877852522924731291687059546390728
        let inline CC a b c = cc.[a + ido * (b + 5 * c)]
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = wa.[i + x * (ido - 1)]
        for k in 0 .. l1 - 1 do
            let ti5 = CC 0 2 k + CC 0 2 k
            let ti4 = CC 0 4 k + CC 0 4 k
            let tr2 = CC (ido - 1) 1 k + CC (ido - 1) 1 k
            let tr3 = CC (ido - 1) 3 k + CC (ido - 1) 3 k
            ch.[CH 0 k 0] <- CC 0 0 k + tr2 + tr3
            let cr2 = CC 0 0 k + tr11 * tr2 + tr12 * tr3
            let cr3 = CC 0 0 k + tr12 * tr2 + tr11 * tr3
            let ci5 = ti5 * ti11 + ti4 * ti12
            let ci4 = ti5 * ti12 - ti4 * ti11
            ch.[CH 0 k 4] <- cr2 + ci5
            ch.[CH 0 k 1] <- cr2 - ci5
            ch.[CH 0 k 3] <- cr3 + ci4
            ch.[CH 0 k 2] <- cr3 - ci4
        if ido > 1 then
            for k in 0 .. l1 - 1 do
                for i in 2 .. 2 .. ido - 1 do
                    let ic = ido - i
                    let tr2 = CC (i - 1) 2 k + CC (ic - 1) 1 k
                    let tr5 = CC (i - 1) 2 k - CC (ic - 1) 1 k
                    let ti5 = CC i 2 k + CC ic 1 k
                    let ti2 = CC i 2 k - CC ic 1 k
                    let tr3 = CC (i - 1) 4 k + CC (ic - 1) 3 k
                    let tr4 = CC (i - 1) 4 k - CC (ic - 1) 3 k
                    let ti4 = CC i 4 k + CC ic 3 k
                    let ti3 = CC i 4 k - CC ic 3 k
                    ch.[CH (i - 1) k 0] <- CC (i - 1) 0 k + tr2 + tr3
                    ch.[CH i k 0] <- CC i 0 k + ti2 + ti3
                    let cr2 = CC (i - 1) 0 k + tr11 * tr2 + tr12 * tr3
                    let ci2 = CC i 0 k + tr11 * ti2 + tr12 * ti3
                    let cr3 = CC (i - 1) 0 k + tr12 * tr2 + tr11 * tr3
                    let ci3 = CC i 0 k + tr12 * ti2 + tr11 * ti3
                    let cr5 = tr5 * ti11 + tr4 * ti12
                    let cr4 = tr5 * ti12 - tr4 * ti11
                    let ci5 = ti5 * ti11 + ti4 * ti12
                    let ci4 = ti5 * ti12 - ti4 * ti11
                    let dr4 = cr3 + ci4
                    let dr3 = cr3 - ci4
                    let di3 = ci3 + cr4
                    let di4 = ci3 - cr4
                    let dr5 = cr2 + ci5
                    let dr2 = cr2 - ci5
                    let di2 = ci2 + cr5
                    let di5 = ci2 - cr5
                    ch.[CH i k 1] <- WA 0 (i - 2) * di2 + WA 0 (i - 1) * dr2
                    ch.[CH (i - 1) k 1] <- WA 0 (i - 2) * dr2 - WA 0 (i - 1) * di2
                    ch.[CH i k 2] <- WA 1 (i - 2) * di3 + WA 1 (i - 1) * dr3
                    ch.[CH (i - 1) k 2] <- WA 1 (i - 2) * dr3 - WA 1 (i - 1) * di3
                    ch.[CH i k 3] <- WA 2 (i - 2) * di4 + WA 2 (i - 1) * dr4
                    ch.[CH (i - 1) k 3] <- WA 2 (i - 2) * dr4 - WA 2 (i - 1) * di4
                    ch.[CH i k 4] <- WA 3 (i - 2) * di5 + WA 3 (i - 1) * dr5
                    ch.[CH (i - 1) k 4] <- WA 3 (i - 2) * dr5 - WA 3 (i - 1) * di5

    /// The generic odd-prime backward pass (result in ch).
    let inline private radbg ido ip l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (csarr: ^T[]) =
        let two = LanguagePrimitives.GenericOne< ^T> + LanguagePrimitives.GenericOne< ^T>
        let ipph = (ip + 1) / 2
        let idl1 = ido * l1
        let inline CCi a b c = a + ido * (b + ip * c)
        let inline CHi a b c = a + ido * (b + l1 * c)
        let inline C1i a b c = a + ido * (b + l1 * c)
        let inline C2i a b = a + idl1 * b
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                ch.[CHi i k 0] <- cc.[CCi i 0 k]
        for j in 1 .. ipph - 1 do
            let jc = ip - j
            let j2 = 2 * j - 1
            for k in 0 .. l1 - 1 do
                ch.[CHi 0 k j] <- two * cc.[CCi (ido - 1) j2 k]
                ch.[CHi 0 k jc] <- two * cc.[CCi 0 (j2 + 1) k]
        if ido <> 1 then
            for j in 1 .. ipph - 1 do
                let jc = ip - j
                let j2 = 2 * j - 1
                for k in 0 .. l1 - 1 do
                    let mutable i = 1
                    let mutable ic = ido - 3
                    while i <= ido - 2 do
                        ch.[CHi i k j] <- cc.[CCi i (j2 + 1) k] + cc.[CCi ic j2 k]
                        ch.[CHi i k jc] <- cc.[CCi i (j2 + 1) k] - cc.[CCi ic j2 k]
                        ch.[CHi (i + 1) k j] <- cc.[CCi (i + 1) (j2 + 1) k] - cc.[CCi (ic + 1) j2 k]
                        ch.[CHi (i + 1) k jc] <- cc.[CCi (i + 1) (j2 + 1) k] + cc.[CCi (ic + 1) j2 k]
                        i <- i + 2
                        ic <- ic - 2
        for l in 1 .. ipph - 1 do
            let lc = ip - l
            for ik in 0 .. idl1 - 1 do
                cc.[C2i ik l] <- ch.[C2i ik 0] + csarr.[2 * l] * ch.[C2i ik 1] + csarr.[4 * l] * ch.[C2i ik 2]
                cc.[C2i ik lc] <- csarr.[2 * l + 1] * ch.[C2i ik (ip - 1)] + csarr.[4 * l + 1] * ch.[C2i ik (ip - 2)]
            let mutable iang = 2 * l
            let mutable j = 3
            let mutable jc = ip - 3
            // pocketfft wraps with > here (>= in the forward pass); for a prime ip both agree.
            let inline next () =
                iang <- iang + l
                if iang > ip then iang <- iang - ip
                struct (csarr.[2 * iang], csarr.[2 * iang + 1])
            while j < ipph - 3 do
                let struct (ar1, ai1) = next ()
                let struct (ar2, ai2) = next ()
                let struct (ar3, ai3) = next ()
                let struct (ar4, ai4) = next ()
                for ik in 0 .. idl1 - 1 do
                    cc.[C2i ik l] <- cc.[C2i ik l] + (ar1 * ch.[C2i ik j] + ar2 * ch.[C2i ik (j + 1)] + ar3 * ch.[C2i ik (j + 2)] + ar4 * ch.[C2i ik (j + 3)])
                    cc.[C2i ik lc] <- cc.[C2i ik lc] + (ai1 * ch.[C2i ik jc] + ai2 * ch.[C2i ik (jc - 1)] + ai3 * ch.[C2i ik (jc - 2)] + ai4 * ch.[C2i ik (jc - 3)])
                j <- j + 4
                jc <- jc - 4
            while j < ipph - 1 do
                let struct (ar1, ai1) = next ()
                let struct (ar2, ai2) = next ()
                for ik in 0 .. idl1 - 1 do
                    cc.[C2i ik l] <- cc.[C2i ik l] + (ar1 * ch.[C2i ik j] + ar2 * ch.[C2i ik (j + 1)])
                    cc.[C2i ik lc] <- cc.[C2i ik lc] + (ai1 * ch.[C2i ik jc] + ai2 * ch.[C2i ik (jc - 1)])
                j <- j + 2
                jc <- jc - 2
            while j < ipph do
                let struct (war, wai) = next ()
                for ik in 0 .. idl1 - 1 do
                    cc.[C2i ik l] <- cc.[C2i ik l] + war * ch.[C2i ik j]
                    cc.[C2i ik lc] <- cc.[C2i ik lc] + wai * ch.[C2i ik jc]
                j <- j + 1
                jc <- jc - 1
        for j in 1 .. ipph - 1 do
            for ik in 0 .. idl1 - 1 do
                ch.[C2i ik 0] <- ch.[C2i ik 0] + ch.[C2i ik j]
        for j in 1 .. ipph - 1 do
            let jc = ip - j
            for k in 0 .. l1 - 1 do
                let a = cc.[C1i 0 k j]
                let b = cc.[C1i 0 k jc]
                ch.[CHi 0 k jc] <- a + b
                ch.[CHi 0 k j] <- a - b
        if ido <> 1 then
            for j in 1 .. ipph - 1 do
                let jc = ip - j
                for k in 0 .. l1 - 1 do
                    for i in 1 .. 2 .. ido - 2 do
                        ch.[CHi i k j] <- cc.[C1i i k j] - cc.[C1i (i + 1) k jc]
                        ch.[CHi i k jc] <- cc.[C1i i k j] + cc.[C1i (i + 1) k jc]
                        ch.[CHi (i + 1) k j] <- cc.[C1i (i + 1) k j] + cc.[C1i i k jc]
                        ch.[CHi (i + 1) k jc] <- cc.[C1i (i + 1) k j] - cc.[C1i i k jc]
            for j in 1 .. ip - 1 do
                let is1 = (j - 1) * (ido - 1)
                for k in 0 .. l1 - 1 do
                    let mutable idij = is1
                    for i in 1 .. 2 .. ido - 2 do
                        let t1 = ch.[CHi i k j]
                        let t2 = ch.[CHi (i + 1) k j]
                        ch.[CHi i k j] <- wa.[idij] * t1 - wa.[idij + 1] * t2
                        ch.[CHi (i + 1) k j] <- wa.[idij] * t2 + wa.[idij + 1] * t1
                        idij <- idij + 2

    /// pocketfft's rfftp exec: forward (real → halfcomplex) or backward, in place in c, then scaled by fct
    /// at the copy-out (skipped when fct is 1).
    let inline execReal (plan: RealPlan< ^T >) (c: ^T[]) (fct: ^T) (forward: bool) (conv: float -> ^T) =
        let n = plan.N
        let one = LanguagePrimitives.GenericOne< ^T>
        if n = 1 then c.[0] <- c.[0] * fct
        else
            let nf = plan.Factors.Length
            let mutable p1 = c
            let mutable p2 = Array.zeroCreate n
            let swap () = let t = p1 in p1 <- p2; p2 <- t
            if forward then
                let mutable l1 = n
                for k1 in 0 .. nf - 1 do
                    let k = nf - k1 - 1
                    let ip = plan.Factors.[k]
                    let ido = n / l1
                    l1 <- l1 / ip
                    match ip with
                    | 4 -> radf4 ido l1 p1 p2 plan.Tw.[k] conv
                    | 2 -> radf2 ido l1 p1 p2 plan.Tw.[k]
                    | 3 -> radf3 ido l1 p1 p2 plan.Tw.[k] conv
                    | 5 -> radf5 ido l1 p1 p2 plan.Tw.[k] conv
                    | _ ->
                        radfg ido ip l1 p1 p2 plan.Tw.[k] plan.Tws.[k]
                        swap ()
                    swap ()
            else
                let mutable l1 = 1
                for k in 0 .. nf - 1 do
                    let ip = plan.Factors.[k]
                    let ido = n / (ip * l1)
                    match ip with
                    | 4 -> radb4 ido l1 p1 p2 plan.Tw.[k] conv
                    | 2 -> radb2 ido l1 p1 p2 plan.Tw.[k]
                    | 3 -> radb3 ido l1 p1 p2 plan.Tw.[k] conv
                    | 5 -> radb5 ido l1 p1 p2 plan.Tw.[k] conv
                    | _ -> radbg ido ip l1 p1 p2 plan.Tw.[k] plan.Tws.[k]
                    swap ()
                    l1 <- l1 * ip
            if not (obj.ReferenceEquals(p1, c)) then
                if fct <> one then
                    for i in 0 .. n - 1 do c.[i] <- fct * p1.[i]
                else Array.blit p1 0 c 0 n
            elif fct <> one then
                for i in 0 .. n - 1 do c.[i] <- c.[i] * fct

    // ---------------------------------------------------------------------------------------------------
    // Complex transforms (FFTPACK cfftp) on interleaved (re, im) arrays.
    // ---------------------------------------------------------------------------------------------------

    let inline private ld (a: ^T[]) (i: int) = struct (a.[2 * i], a.[2 * i + 1])
    let inline private st (a: ^T[]) (i: int) (struct (r: ^T, im: ^T)) =
        a.[2 * i] <- r
        a.[2 * i + 1] <- im
    let inline private cadd (struct (ar: ^T, ai: ^T)) (struct (br: ^T, bi: ^T)) = struct (ar + br, ai + bi)
    let inline private csub (struct (ar: ^T, ai: ^T)) (struct (br: ^T, bi: ^T)) = struct (ar - br, ai - bi)
    /// pocketfft's special_mul: multiply by w (backward) or by conj(w) (forward).
    let inline private smul fwd (struct (ar: ^T, ai: ^T)) (struct (wr: ^T, wi: ^T)) =
        if fwd then struct (ar * wr + ai * wi, ai * wr - ar * wi)
        else struct (ar * wr - ai * wi, ar * wi + ai * wr)
    let inline private rotx90 fwd (struct (r: ^T, i: ^T)) = if fwd then struct (i, -r) else struct (-i, r)

    /// A complex plan: factors in pocketfft's order (8s, 4s, one 2 moved to the front, odd primes), per-factor
    /// twiddles and, for factors above 11, the generic pass's table, interleaved and in the element type.
    type ComplexPlan<'T> = { CN: int; CFactors: int[]; CTw: 'T[][]; CTws: 'T[][] }

    let complexFactors (n: int) =
        let f = ResizeArray()
        let mutable len = n
        while len % 8 = 0 do
            f.Add 8
            len <- len / 8
        while len % 4 = 0 do
            f.Add 4
            len <- len / 4
        if len % 2 = 0 then
            len <- len / 2
            f.Add 2
            let t = f.[0] in f.[0] <- f.[f.Count - 1]; f.[f.Count - 1] <- t
        let mutable d = 3
        while d * d <= len do
            while len % d = 0 do
                f.Add d
                len <- len / d
            d <- d + 2
        if len > 1 then f.Add len
        f.ToArray()

    let inline makeComplexPlan (conv: float -> ^T) (n: int) : ComplexPlan< ^T > =
        if n = 1 then { CN = 1; CFactors = [||]; CTw = [||]; CTws = [||] }
        else
            let fact = complexFactors n
            let twid = Twiddles n
            let tw = Array.zeroCreate fact.Length
            let tws = Array.zeroCreate fact.Length
            let mutable l1 = 1
            for k in 0 .. fact.Length - 1 do
                let ip = fact.[k]
                let ido = n / (l1 * ip)
                let a = Array.zeroCreate (2 * (ip - 1) * (ido - 1))
                for j in 1 .. ip - 1 do
                    for i in 1 .. ido - 1 do
                        let struct (r, im) = twid.[j * l1 * i]
                        st a ((j - 1) * (ido - 1) + i - 1) (struct (conv r, conv im))
                tw.[k] <- a
                if ip > 11 then
                    let cs = Array.zeroCreate (2 * ip)
                    for j in 0 .. ip - 1 do
                        let struct (r, im) = twid.[j * l1 * ido]
                        st cs j (struct (conv r, conv im))
                    tws.[k] <- cs
                else tws.[k] <- [||]
                l1 <- l1 * ip
            { CN = n; CFactors = fact; CTw = tw; CTws = tws }

    let inline private pass2 fwd ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) =
        let inline CC a b c = ld cc (a + ido * (b + 2 * c))
        let inline CH a b c = a + ido * (b + l1 * c)
        for k in 0 .. l1 - 1 do
            st ch (CH 0 k 0) (cadd (CC 0 0 k) (CC 0 1 k))
            st ch (CH 0 k 1) (csub (CC 0 0 k) (CC 0 1 k))
            for i in 1 .. ido - 1 do
                st ch (CH i k 0) (cadd (CC i 0 k) (CC i 1 k))
                st ch (CH i k 1) (smul fwd (csub (CC i 0 k) (CC i 1 k)) (ld wa (i - 1)))

    let inline private pass3 fwd ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let tw1r = conv -0.5
        let tw1i = conv ((if fwd then -1.0 else 1.0) * 0.8660254037844386467637231707529362)
        let inline CC a b c = ld cc (a + ido * (b + 3 * c))
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = ld wa (i - 1 + x * (ido - 1))
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                let t0 = CC i 0 k
                let t1 = cadd (CC i 1 k) (CC i 2 k)
                let t2 = csub (CC i 1 k) (CC i 2 k)
                st ch (CH i k 0) (cadd t0 t1)
                let struct (t0r, t0i) = t0
                let struct (t1r, t1i) = t1
                let struct (t2r, t2i) = t2
                let ca = struct (t0r + t1r * tw1r, t0i + t1i * tw1r)
                let cb = struct (-t2i * tw1i, t2r * tw1i)
                if i = 0 then
                    st ch (CH 0 k 1) (cadd ca cb)
                    st ch (CH 0 k 2) (csub ca cb)
                else
                    st ch (CH i k 1) (smul fwd (cadd ca cb) (WA 0 i))
                    st ch (CH i k 2) (smul fwd (csub ca cb) (WA 1 i))

    let inline private pass4 fwd ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) =
        let inline CC a b c = ld cc (a + ido * (b + 4 * c))
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = ld wa (i - 1 + x * (ido - 1))
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                let t2 = cadd (CC i 0 k) (CC i 2 k)
                let t1 = csub (CC i 0 k) (CC i 2 k)
                let t3 = cadd (CC i 1 k) (CC i 3 k)
                let t4 = rotx90 fwd (csub (CC i 1 k) (CC i 3 k))
                if i = 0 then
                    st ch (CH 0 k 0) (cadd t2 t3)
                    st ch (CH 0 k 2) (csub t2 t3)
                    st ch (CH 0 k 1) (cadd t1 t4)
                    st ch (CH 0 k 3) (csub t1 t4)
                else
                    st ch (CH i k 0) (cadd t2 t3)
                    st ch (CH i k 1) (smul fwd (cadd t1 t4) (WA 0 i))
                    st ch (CH i k 2) (smul fwd (csub t2 t3) (WA 1 i))
                    st ch (CH i k 3) (smul fwd (csub t1 t4) (WA 2 i))

    let inline private pass5 fwd ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let sg = if fwd then -1.0 else 1.0
        let tw1r = conv 0.3090169943749474241022934171828191
        let tw1i = conv (sg * 0.9510565162951535721164393333793821)
        let tw2r = conv -0.8090169943749474241022934171828191
        let tw2i = conv (sg * 0.5877852522924731291687059546390728)
        let inline CC a b c = ld cc (a + ido * (b + 5 * c))
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = ld wa (i - 1 + x * (ido - 1))
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                let struct (t0r, t0i) = CC i 0 k
                let struct (t1r, t1i) = cadd (CC i 1 k) (CC i 4 k)
                let struct (t4r, t4i) = csub (CC i 1 k) (CC i 4 k)
                let struct (t2r, t2i) = cadd (CC i 2 k) (CC i 3 k)
                let struct (t3r, t3i) = csub (CC i 2 k) (CC i 3 k)
                st ch (CH i k 0) (struct (t0r + t1r + t2r, t0i + t1i + t2i))
                // One step per output pair (u1, u2); the b-twiddles carry their signs (a − b·c = a + (−b)·c).
                let inline step u1 u2 twar twbr twai twbi =
                    let ca = struct (t0r + twar * t1r + twbr * t2r, t0i + twar * t1i + twbr * t2i)
                    let cb = struct (-(twai * t4i + twbi * t3i), twai * t4r + twbi * t3r)
                    if i = 0 then
                        st ch (CH 0 k u1) (cadd ca cb)
                        st ch (CH 0 k u2) (csub ca cb)
                    else
                        st ch (CH i k u1) (smul fwd (cadd ca cb) (WA (u1 - 1) i))
                        st ch (CH i k u2) (smul fwd (csub ca cb) (WA (u2 - 1) i))
                step 1 4 tw1r tw2r tw1i tw2i
                step 2 3 tw2r tw1r tw2i (-tw1i)

    let inline private pass7 fwd ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let sg = if fwd then -1.0 else 1.0
        let tw1r = conv 0.6234898018587335305250048840042398
        let tw1i = conv (sg * 0.7818314824680298087084445266740578)
        let tw2r = conv -0.2225209339563144042889025644967948
        let tw2i = conv (sg * 0.9749279121818236070181316829939312)
        let tw3r = conv -0.9009688679024191262361023195074451
        let tw3i = conv (sg * 0.433883739117558120475768332848359)
        let inline CC a b c = ld cc (a + ido * (b + 7 * c))
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = ld wa (i - 1 + x * (ido - 1))
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                let struct (t1r, t1i) = CC i 0 k
                let struct (t2r, t2i) = cadd (CC i 1 k) (CC i 6 k)
                let struct (t7r, t7i) = csub (CC i 1 k) (CC i 6 k)
                let struct (t3r, t3i) = cadd (CC i 2 k) (CC i 5 k)
                let struct (t6r, t6i) = csub (CC i 2 k) (CC i 5 k)
                let struct (t4r, t4i) = cadd (CC i 3 k) (CC i 4 k)
                let struct (t5r, t5i) = csub (CC i 3 k) (CC i 4 k)
                st ch (CH i k 0) (struct (t1r + t2r + t3r + t4r, t1i + t2i + t3i + t4i))
                let inline step u1 u2 x1 x2 x3 y1 y2 y3 =
                    let ca = struct (t1r + x1 * t2r + x2 * t3r + x3 * t4r, t1i + x1 * t2i + x2 * t3i + x3 * t4i)
                    let cb = struct (-(y1 * t7i + y2 * t6i + y3 * t5i), y1 * t7r + y2 * t6r + y3 * t5r)
                    if i = 0 then
                        st ch (CH 0 k u1) (cadd ca cb)
                        st ch (CH 0 k u2) (csub ca cb)
                    else
                        st ch (CH i k u1) (smul fwd (cadd ca cb) (WA (u1 - 1) i))
                        st ch (CH i k u2) (smul fwd (csub ca cb) (WA (u2 - 1) i))
                step 1 6 tw1r tw2r tw3r tw1i tw2i tw3i
                step 2 5 tw2r tw3r tw1r tw2i (-tw3i) (-tw1i)
                step 3 4 tw3r tw1r tw2r tw3i (-tw1i) tw2i

    let inline private rotx45 fwd (hsqt2: ^T) (struct (r: ^T, i: ^T)) =
        if fwd then struct (hsqt2 * (r + i), hsqt2 * (i - r)) else struct (hsqt2 * (r - i), hsqt2 * (i + r))
    let inline private rotx135 fwd (hsqt2: ^T) (struct (r: ^T, i: ^T)) =
        if fwd then struct (hsqt2 * (i - r), hsqt2 * (-r - i)) else struct (hsqt2 * (-r - i), hsqt2 * (r - i))

    let inline private pass8 fwd ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let hsqt2 = conv 0.707106781186547524400844362104849
        let inline CC a b c = ld cc (a + ido * (b + 8 * c))
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = ld wa (i - 1 + x * (ido - 1))
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                let a1 = cadd (CC i 1 k) (CC i 5 k)
                let a5 = csub (CC i 1 k) (CC i 5 k)
                let a3 = cadd (CC i 3 k) (CC i 7 k)
                let a7 = csub (CC i 3 k) (CC i 7 k)
                // The ROTX90 of a7 commutes with the a1/a3 update, so both orders of pocketfft's two branches agree.
                let a1' = cadd a1 a3
                let a3' = rotx90 fwd (csub a1 a3)
                let a7r = rotx90 fwd a7
                let a5' = rotx45 fwd hsqt2 (cadd a5 a7r)
                let a7' = rotx135 fwd hsqt2 (csub a5 a7r)
                let a0 = cadd (CC i 0 k) (CC i 4 k)
                let a4 = csub (CC i 0 k) (CC i 4 k)
                let a2 = cadd (CC i 2 k) (CC i 6 k)
                let a6 = csub (CC i 2 k) (CC i 6 k)
                if i = 0 then
                    let s02 = cadd a0 a2
                    let d02 = csub a0 a2
                    st ch (CH 0 k 0) (cadd s02 a1')
                    st ch (CH 0 k 4) (csub s02 a1')
                    st ch (CH 0 k 2) (cadd d02 a3')
                    st ch (CH 0 k 6) (csub d02 a3')
                    let a6r = rotx90 fwd a6
                    let s46 = cadd a4 a6r
                    let d46 = csub a4 a6r
                    st ch (CH 0 k 1) (cadd s46 a5')
                    st ch (CH 0 k 5) (csub s46 a5')
                    st ch (CH 0 k 3) (cadd d46 a7')
                    st ch (CH 0 k 7) (csub d46 a7')
                else
                    let a0' = cadd a0 a2
                    let a2' = csub a0 a2
                    st ch (CH i k 0) (cadd a0' a1')
                    st ch (CH i k 4) (smul fwd (csub a0' a1') (WA 3 i))
                    st ch (CH i k 2) (smul fwd (cadd a2' a3') (WA 1 i))
                    st ch (CH i k 6) (smul fwd (csub a2' a3') (WA 5 i))
                    let a6r = rotx90 fwd a6
                    let a4' = cadd a4 a6r
                    let a6' = csub a4 a6r
                    st ch (CH i k 1) (smul fwd (cadd a4' a5') (WA 0 i))
                    st ch (CH i k 5) (smul fwd (csub a4' a5') (WA 4 i))
                    st ch (CH i k 3) (smul fwd (cadd a6' a7') (WA 2 i))
                    st ch (CH i k 7) (smul fwd (csub a6' a7') (WA 6 i))

    let inline private pass11 fwd ido l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (conv: float -> ^T) =
        let sg = if fwd then -1.0 else 1.0
        let tw1r = conv 0.8412535328311811688618116489193677
        let tw1i = conv (sg * 0.5406408174555975821076359543186917)
        let tw2r = conv 0.4154150130018864255292741492296232
        let tw2i = conv (sg * 0.9096319953545183714117153830790285)
        let tw3r = conv -0.1423148382732851404437926686163697
        let tw3i = conv (sg * 0.9898214418809327323760920377767188)
        let tw4r = conv -0.6548607339452850640569250724662936
        let tw4i = conv (sg * 0.7557495743542582837740358439723444)
        let tw5r = conv -0.9594929736144973898903680570663277
        let tw5i = conv (sg * 0.2817325568414296977114179153466169)
        let inline CC a b c = ld cc (a + ido * (b + 11 * c))
        let inline CH a b c = a + ido * (b + l1 * c)
        let inline WA x i = ld wa (i - 1 + x * (ido - 1))
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                let struct (t1r, t1i) = CC i 0 k
                let struct (t2r, t2i) = cadd (CC i 1 k) (CC i 10 k)
                let struct (t11r, t11i) = csub (CC i 1 k) (CC i 10 k)
                let struct (t3r, t3i) = cadd (CC i 2 k) (CC i 9 k)
                let struct (t10r, t10i) = csub (CC i 2 k) (CC i 9 k)
                let struct (t4r, t4i) = cadd (CC i 3 k) (CC i 8 k)
                let struct (t9r, t9i) = csub (CC i 3 k) (CC i 8 k)
                let struct (t5r, t5i) = cadd (CC i 4 k) (CC i 7 k)
                let struct (t8r, t8i) = csub (CC i 4 k) (CC i 7 k)
                let struct (t6r, t6i) = cadd (CC i 5 k) (CC i 6 k)
                let struct (t7r, t7i) = csub (CC i 5 k) (CC i 6 k)
                st ch (CH i k 0) (struct (t1r + t2r + t3r + t4r + t5r + t6r, t1i + t2i + t3i + t4i + t5i + t6i))
                let inline step u1 u2 x1 x2 x3 x4 x5 y1 y2 y3 y4 y5 =
                    // ca = t1 + t2·x1 + ... (complex times real, so the real part multiplies t first).
                    let ca = struct (t1r + t2r * x1 + t3r * x2 + t4r * x3 + t5r * x4 + t6r * x5,
                                     t1i + t2i * x1 + t3i * x2 + t4i * x3 + t5i * x4 + t6i * x5)
                    let cb = struct (-(y1 * t11i + y2 * t10i + y3 * t9i + y4 * t8i + y5 * t7i),
                                     y1 * t11r + y2 * t10r + y3 * t9r + y4 * t8r + y5 * t7r)
                    if i = 0 then
                        st ch (CH 0 k u1) (cadd ca cb)
                        st ch (CH 0 k u2) (csub ca cb)
                    else
                        st ch (CH i k u1) (smul fwd (cadd ca cb) (WA (u1 - 1) i))
                        st ch (CH i k u2) (smul fwd (csub ca cb) (WA (u2 - 1) i))
                step 1 10 tw1r tw2r tw3r tw4r tw5r tw1i tw2i tw3i tw4i tw5i
                step 2 9 tw2r tw4r tw5r tw3r tw1r tw2i tw4i (-tw5i) (-tw3i) (-tw1i)
                step 3 8 tw3r tw5r tw2r tw1r tw4r tw3i (-tw5i) (-tw2i) tw1i tw4i
                step 4 7 tw4r tw3r tw1r tw5r tw2r tw4i (-tw3i) tw1i tw5i (-tw2i)
                step 5 6 tw5r tw1r tw4r tw2r tw3r tw5i (-tw1i) tw4i (-tw2i) tw3i

    /// The generic odd-prime complex pass; the result lands back in cc.
    let inline private passg fwd ido ip l1 (cc: ^T[]) (ch: ^T[]) (wa: ^T[]) (csarr: ^T[]) =
        let ipph = (ip + 1) / 2
        let idl1 = ido * l1
        let inline CHi a b c = a + ido * (b + l1 * c)
        let inline CCi a b c = a + ido * (b + ip * c)
        let inline CXi a b c = a + ido * (b + l1 * c)
        let inline X2 a b = a + idl1 * b
        let wal = Array.zeroCreate (2 * ip)
        st wal 0 (struct (LanguagePrimitives.GenericOne< ^T>, LanguagePrimitives.GenericZero< ^T>))
        for i in 1 .. ip - 1 do
            let struct (r, im) = ld csarr i
            st wal i (struct (r, (if fwd then -im else im)))
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                st ch (CHi i k 0) (ld cc (CCi i 0 k))
        for j in 1 .. ipph - 1 do
            let jc = ip - j
            for k in 0 .. l1 - 1 do
                for i in 0 .. ido - 1 do
                    let a = ld cc (CCi i j k)
                    let b = ld cc (CCi i jc k)
                    st ch (CHi i k j) (cadd a b)
                    st ch (CHi i k jc) (csub a b)
        for k in 0 .. l1 - 1 do
            for i in 0 .. ido - 1 do
                let mutable tmp = ld ch (CHi i k 0)
                for j in 1 .. ipph - 1 do
                    tmp <- cadd tmp (ld ch (CHi i k j))
                st cc (CXi i k 0) tmp
        for l in 1 .. ipph - 1 do
            let lc = ip - l
            let struct (wlr, wli) = ld wal l
            let struct (w2r, w2i) = ld wal (2 * l)
            for ik in 0 .. idl1 - 1 do
                let struct (h0r, h0i) = ld ch (X2 ik 0)
                let struct (h1r, h1i) = ld ch (X2 ik 1)
                let struct (h2r, h2i) = ld ch (X2 ik 2)
                let struct (hmr, hmi) = ld ch (X2 ik (ip - 1))
                let struct (hnr, hni) = ld ch (X2 ik (ip - 2))
                st cc (X2 ik l) (struct (h0r + wlr * h1r + w2r * h2r, h0i + wlr * h1i + w2r * h2i))
                st cc (X2 ik lc) (struct (-wli * hmi - w2i * hni, wli * hmr + w2i * hnr))
            let mutable iwal = 2 * l
            let mutable j = 3
            let mutable jc = ip - 3
            let inline next () =
                iwal <- iwal + l
                if iwal > ip then iwal <- iwal - ip
                ld wal iwal
            while j < ipph - 1 do
                let struct (xr, xi) = next ()
                let struct (x2r, x2i) = next ()
                for ik in 0 .. idl1 - 1 do
                    let struct (ar, ai) = ld cc (X2 ik l)
                    let struct (br, bi) = ld cc (X2 ik lc)
                    let struct (hjr, hji) = ld ch (X2 ik j)
                    let struct (hj1r, hj1i) = ld ch (X2 ik (j + 1))
                    let struct (hcr, hci) = ld ch (X2 ik jc)
                    let struct (hc1r, hc1i) = ld ch (X2 ik (jc - 1))
                    st cc (X2 ik l) (struct (ar + (hjr * xr + hj1r * x2r), ai + (hji * xr + hj1i * x2r)))
                    st cc (X2 ik lc) (struct (br - (hci * xi + hc1i * x2i), bi + (hcr * xi + hc1r * x2i)))
                j <- j + 2
                jc <- jc - 2
            while j < ipph do
                let struct (xr, xi) = next ()
                for ik in 0 .. idl1 - 1 do
                    let struct (ar, ai) = ld cc (X2 ik l)
                    let struct (br, bi) = ld cc (X2 ik lc)
                    let struct (hjr, hji) = ld ch (X2 ik j)
                    let struct (hcr, hci) = ld ch (X2 ik jc)
                    st cc (X2 ik l) (struct (ar + hjr * xr, ai + hji * xr))
                    st cc (X2 ik lc) (struct (br - hci * xi, bi + hcr * xi))
                j <- j + 1
                jc <- jc - 1
        if ido = 1 then
            for j in 1 .. ipph - 1 do
                let jc = ip - j
                for ik in 0 .. idl1 - 1 do
                    let t1 = ld cc (X2 ik j)
                    let t2 = ld cc (X2 ik jc)
                    st cc (X2 ik j) (cadd t1 t2)
                    st cc (X2 ik jc) (csub t1 t2)
        else
            for j in 1 .. ipph - 1 do
                let jc = ip - j
                for k in 0 .. l1 - 1 do
                    let t1 = ld cc (CXi 0 k j)
                    let t2 = ld cc (CXi 0 k jc)
                    st cc (CXi 0 k j) (cadd t1 t2)
                    st cc (CXi 0 k jc) (csub t1 t2)
                    for i in 1 .. ido - 1 do
                        let a = ld cc (CXi i k j)
                        let b = ld cc (CXi i k jc)
                        st cc (CXi i k j) (smul fwd (cadd a b) (ld wa ((j - 1) * (ido - 1) + i - 1)))
                        st cc (CXi i k jc) (smul fwd (csub a b) (ld wa ((jc - 1) * (ido - 1) + i - 1)))

    /// pocketfft's cfftp pass_all on an interleaved array c of plan.CN complex values, scaled by fct at the end.
    let inline execComplex (plan: ComplexPlan< ^T >) (c: ^T[]) (fct: ^T) (fwd: bool) (conv: float -> ^T) =
        let n = plan.CN
        let one = LanguagePrimitives.GenericOne< ^T>
        if n = 1 then
            c.[0] <- c.[0] * fct
            c.[1] <- c.[1] * fct
        else
            let mutable l1 = 1
            let mutable p1 = c
            let mutable p2 = Array.zeroCreate (2 * n)
            let swap () = let t = p1 in p1 <- p2; p2 <- t
            for k in 0 .. plan.CFactors.Length - 1 do
                let ip = plan.CFactors.[k]
                let l2 = ip * l1
                let ido = n / l2
                let tw = plan.CTw.[k]
                match ip with
                | 4 -> pass4 fwd ido l1 p1 p2 tw
                | 8 -> pass8 fwd ido l1 p1 p2 tw conv
                | 2 -> pass2 fwd ido l1 p1 p2 tw
                | 3 -> pass3 fwd ido l1 p1 p2 tw conv
                | 5 -> pass5 fwd ido l1 p1 p2 tw conv
                | 7 -> pass7 fwd ido l1 p1 p2 tw conv
                | 11 -> pass11 fwd ido l1 p1 p2 tw conv
                | _ ->
                    passg fwd ido ip l1 p1 p2 tw plan.CTws.[k]
                    swap ()
                swap ()
                l1 <- l2
            if not (obj.ReferenceEquals(p1, c)) then
                if fct <> one then
                    for i in 0 .. 2 * n - 1 do c.[i] <- p1.[i] * fct
                else Array.blit p1 0 c 0 (2 * n)
            elif fct <> one then
                for i in 0 .. 2 * n - 1 do c.[i] <- c.[i] * fct

    // ---------------------------------------------------------------------------------------------------
    // Plans per length and element type, and pocketfft's choice between FFTPACK passes and Bluestein.
    // ---------------------------------------------------------------------------------------------------

    let private largestPrimeFactor (n: int) =
        let mutable n = n
        let mutable res = 1
        while n &&& 1 = 0 do
            res <- 2
            n <- n >>> 1
        let mutable x = 3
        while x * x <= n do
            while n % x = 0 do
                res <- x
                n <- n / x
            x <- x + 2
        if n > 1 then n else res

    /// pocketfft's cost model: the sum of the prime factors (those above 5 weighted 1.1) times n.
    let private costGuess (n: int) =
        let ni = float n
        let mutable n = n
        let mutable result = 0.0
        while n &&& 1 = 0 do
            result <- result + 2.0
            n <- n >>> 1
        let mutable x = 3
        while x * x <= n do
            while n % x = 0 do
                result <- result + (if x <= 5 then float x else 1.1 * float x)
                n <- n / x
            x <- x + 2
        if n > 1 then result <- result + (if n <= 5 then float n else 1.1 * float n)
        result * ni

    /// The smallest 2^a·3^b·5^c·7^d·11^e at least n (the Bluestein convolution length).
    let goodSizeComplex (n: int) =
        if n <= 12 then n
        else
            let mutable best = 2L * int64 n
            let n = int64 n
            let mutable f11 = 1L
            let mutable found = -1L
            while found < 0L && f11 < best do
                let mutable f117 = f11
                while found < 0L && f117 < best do
                    let mutable f1175 = f117
                    while found < 0L && f1175 < best do
                        let mutable x = f1175
                        while x < n do x <- x * 2L
                        let mutable go = true
                        while go do
                            if x < n then x <- x * 3L
                            elif x > n then
                                if x < best then best <- x
                                if x &&& 1L = 1L then go <- false else x <- x >>> 1
                            else
                                found <- n
                                go <- false
                        f1175 <- f1175 * 5L
                    f117 <- f117 * 7L
                f11 <- f11 * 11L
            int (if found >= 0L then found else best)

    /// Whether pocketfft transforms this length with Bluestein's algorithm (real transforms weigh the
    /// direct cost by one half).
    let usesBluestein (n: int) (real: bool) =
        let lpf = if n < 50 then 0 else largestPrimeFactor n
        if int64 lpf * int64 lpf <= int64 n then false
        else
            let comp1 = (if real then 0.5 else 1.0) * costGuess n
            let comp2 = 2.0 * costGuess (goodSizeComplex (2 * n - 1)) * 1.5
            comp2 < comp1

    /// Bluestein's plan as pocketfft builds it: the chirp b_k = e^{iπk²/n} from the table of length 2n (the
    /// exponent k² reduced mod 2n incrementally), and the forward FFT of the zero-padded chirp over the
    /// convolution length n2, pre-divided by n2.
    type BluePlan<'T> = { BN: int; N2: int; BPlan: ComplexPlan<'T>; Bk: 'T[]; Bkf: 'T[] }

    let inline makeBluePlan (conv: float -> ^T) (plan: int -> ComplexPlan< ^T >) (n: int) : BluePlan< ^T > =
        let n2 = goodSizeComplex (2 * n - 1)
        let p = plan n2
        let one = LanguagePrimitives.GenericOne< ^T>
        let zero = LanguagePrimitives.GenericZero< ^T>
        let tmp = Twiddles(2 * n)
        let bk = Array.zeroCreate (2 * n)
        st bk 0 (struct (one, zero))
        let mutable coeff = 0L
        for m in 1 .. n - 1 do
            coeff <- coeff + int64 (2 * m - 1)
            if coeff >= 2L * int64 n then coeff <- coeff - 2L * int64 n
            let struct (r, im) = tmp.[int coeff]
            st bk m (struct (conv r, conv im))
        let xn2 = one / conv (float n2)
        let tbkf = Array.zeroCreate (2 * n2)
        let scaled m = let struct (r, im) = ld bk m in struct (r * xn2, im * xn2)
        st tbkf 0 (scaled 0)
        for m in 1 .. n - 1 do
            st tbkf m (scaled m)
            st tbkf (n2 - m) (scaled m)
        execComplex p tbkf one true conv
        { BN = n; N2 = n2; BPlan = p; Bk = bk; Bkf = Array.sub tbkf 0 (2 * (n2 / 2 + 1)) }

    /// fftblue::fft: chirp, convolve through two FFTs of length n2, chirp again, multiply by fct.
    let inline execBlue (b: BluePlan< ^T >) (c: ^T[]) (fct: ^T) (fwd: bool) (conv: float -> ^T) =
        let n = b.BN
        let n2 = b.N2
        let one = LanguagePrimitives.GenericOne< ^T>
        let zeroT = LanguagePrimitives.GenericZero< ^T>
        let akf = Array.zeroCreate (2 * n2)
        for m in 0 .. n - 1 do
            st akf m (smul fwd (ld c m) (ld b.Bk m))
        // pocketfft pads with akf[0]·0, whose zeros carry akf[0]'s signs.
        let struct (a0r, a0i) = ld akf 0
        let z = struct (a0r * zeroT, a0i * zeroT)
        for m in n .. n2 - 1 do
            st akf m z
        execComplex b.BPlan akf one true conv
        st akf 0 (smul (not fwd) (ld akf 0) (ld b.Bkf 0))
        for m in 1 .. (n2 + 1) / 2 - 1 do
            st akf m (smul (not fwd) (ld akf m) (ld b.Bkf m))
            st akf (n2 - m) (smul (not fwd) (ld akf (n2 - m)) (ld b.Bkf m))
        if n2 &&& 1 = 0 then
            st akf (n2 / 2) (smul (not fwd) (ld akf (n2 / 2)) (ld b.Bkf (n2 / 2)))
        execComplex b.BPlan akf one false conv
        for m in 0 .. n - 1 do
            let struct (r, im) = smul fwd (ld akf m) (ld b.Bk m)
            st c m (struct (r * fct, im * fct))

    /// fftblue::exec_r: a real transform through the complex Bluestein one (halfcomplex in and out).
    let inline execBlueReal (b: BluePlan< ^T >) (c: ^T[]) (fct: ^T) (fwd: bool) (conv: float -> ^T) =
        let n = b.BN
        let zeroT = LanguagePrimitives.GenericZero< ^T>
        let tmp = Array.zeroCreate (2 * n)
        if fwd then
            let z = zeroT * c.[0]
            for m in 0 .. n - 1 do
                st tmp m (struct (c.[m], z))
            execBlue b tmp fct true conv
            c.[0] <- tmp.[0]
            Array.blit tmp 2 c 1 (n - 1)
        else
            st tmp 0 (struct (c.[0], c.[0] * zeroT))
            Array.blit c 1 tmp 2 (n - 1)
            if n &&& 1 = 0 then tmp.[2 * (n / 2) + 1] <- zeroT * c.[0]
            let mutable m = 1
            while 2 * m < n do
                let struct (r, im) = ld tmp m
                st tmp (n - m) (struct (r, -im))
                m <- m + 1
            execBlue b tmp fct false conv
            for m in 0 .. n - 1 do
                c.[m] <- tmp.[2 * m]

    let private realPlans64 = ConcurrentDictionary<int, RealPlan<float>>()
    let private realPlans32 = ConcurrentDictionary<int, RealPlan<float32>>()


    let private complexPlans64 = ConcurrentDictionary<int, ComplexPlan<float>>()
    let private complexPlans32 = ConcurrentDictionary<int, ComplexPlan<float32>>()
    let complexPlan64 n = complexPlans64.GetOrAdd(n, makeComplexPlan id)
    let complexPlan32 n = complexPlans32.GetOrAdd(n, makeComplexPlan float32)

    /// In-place complex FFT of interleaved c scaled by fct, float64.
    let complexExec64 (c: float[]) (fct: float) (forward: bool) =
        execComplex (complexPlan64 (c.Length / 2)) c fct forward id

    /// In-place complex FFT of interleaved c scaled by fct, float32 arithmetic throughout.
    let complexExec32 (c: float32[]) (fct: float32) (forward: bool) =
        execComplex (complexPlan32 (c.Length / 2)) c fct forward float32

    let private bluePlans64 = ConcurrentDictionary<int, BluePlan<float>>()
    let private bluePlans32 = ConcurrentDictionary<int, BluePlan<float32>>()
    let private blue64 n = bluePlans64.GetOrAdd(n, makeBluePlan id complexPlan64)
    let private blue32 n = bluePlans32.GetOrAdd(n, makeBluePlan float32 complexPlan32)

    /// pocketfft_r::exec on float64: FFTPACK real passes, or Bluestein where pocketfft picks it.
    let realExec64 (c: float[]) (fct: float) (forward: bool) =
        let n = c.Length
        if usesBluestein n true then execBlueReal (blue64 n) c fct forward id
        else execReal (realPlans64.GetOrAdd(n, makeRealPlan id)) c fct forward id

    /// pocketfft_r::exec in float32 arithmetic.
    let realExec32 (c: float32[]) (fct: float32) (forward: bool) =
        let n = c.Length
        if usesBluestein n true then execBlueReal (blue32 n) c fct forward float32
        else execReal (realPlans32.GetOrAdd(n, makeRealPlan float32)) c fct forward float32

    /// pocketfft_c::exec on interleaved float64 pairs.
    let cExec64 (c: float[]) (fct: float) (forward: bool) =
        let n = c.Length / 2
        if usesBluestein n false then execBlue (blue64 n) c fct forward id
        else complexExec64 c fct forward

    /// pocketfft_c::exec on interleaved float32 pairs, in float32 arithmetic.
    let cExec32 (c: float32[]) (fct: float32) (forward: bool) =
        let n = c.Length / 2
        if usesBluestein n false then execBlue (blue32 n) c fct forward float32
        else complexExec32 c fct forward
