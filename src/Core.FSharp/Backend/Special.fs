namespace Fluxion.Backend

open System

/// Special functions missing from System.Math.
module Special =
    /// The error function, accurate to about 1e-15 (series near 0, continued fraction in the tails).
    let erf (x: float) =
        if Double.IsNaN x then nan
        else
            let ax = abs x
            if ax < 2.5 then
                // Maclaurin series: erf x = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
                let x2 = x * x
                let mutable term = x
                let mutable sum = x
                let mutable n = 0
                while abs term > 1e-17 * abs sum && n < 200 do
                    n <- n + 1
                    term <- -term * x2 / float n
                    sum <- sum + term / float (2 * n + 1)
                2.0 / sqrt Math.PI * sum
            elif ax > 6.0 then float (sign x)
            else
                // erfc by Lentz's continued fraction: erfc x = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
                let tiny = 1e-300
                let mutable f = ax
                let mutable c = ax
                let mutable d = 0.0
                let mutable i = 1
                let mutable fin = false
                while not fin && i < 500 do
                    let a = float i / 2.0
                    d <- ax + a * d
                    if d = 0.0 then d <- tiny
                    c <- ax + a / c
                    if c = 0.0 then c <- tiny
                    d <- 1.0 / d
                    let delta = c * d
                    f <- f * delta
                    if abs (delta - 1.0) < 1e-16 then fin <- true
                    i <- i + 1
                let erfc = exp (-ax * ax) / sqrt Math.PI / f
                if x > 0.0 then 1.0 - erfc else erfc - 1.0

    /// log(1 + x) without the cancellation of forming 1 + x first (for |x| tiny, log1p x = x); accurate to a
    /// few double ulps, so a float32 result rounds like a correctly rounded one.
    let log1p (x: float) =
        let u = 1.0 + x
        if u = 1.0 || Double.IsInfinity u then (if u = 1.0 then x else log u)
        else log u * (x / (u - 1.0))

    /// e^x - 1 without the cancellation of subtracting 1 from e^x.
    let expm1 (x: float) =
        if abs x < 1e-5 then x + 0.5 * x * x + x * x * x / 6.0
        else
            let u = exp x
            if u = 1.0 then x
            elif Double.IsInfinity u then u
            elif u - 1.0 = -1.0 then -1.0
            else (u - 1.0) * (x / log u)
