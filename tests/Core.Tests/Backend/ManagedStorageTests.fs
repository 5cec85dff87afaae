/// The managed storages after the split into one file per storage: conversions that cross into storages compiled
/// later reach them through the backend, and the optional kernels Optim asks for (IOptimizerStorage, IMseStorage)
/// give exactly the bits of the array kernels they wrap.
module BackendManagedStorageTests

open System
open Expecto
open Fluxion
open Fluxion.Backend
open Fluxion.Kernels
open Fluxion.Kernels.OptimKernels
open Fluxion.Optim

let private f32 (d: float32[]) (s: int[]) = ManagedBackend.Instance.OfFloat32(d, s)
let private bits (a: float32[]) = a |> Array.map BitConverter.SingleToInt32Bits

let private grad = [| 0.25f; -1.5f; 3.0f; 0.125f |]
let private param0 = [| 1.0f; -2.0f; 0.5f; 4.0f |]

[<Tests>]
let tests =
    testList "Backend.ManagedStorage" [
        test "a bool storage casts to int64 and float storages of the managed backend" {
            let b = RawBool([| true; false; true |], [| 3 |])
            let i = b.Cast Dtype.Int64
            let f = b.Cast Dtype.Float64
            Expect.isTrue (i :? RawInt64) "int64 storage"
            Expect.equal (i.ToInt64Array()) [| 1L; 0L; 1L |] "int64 values"
            Expect.isTrue (f :? RawFloat<float>) "float64 storage"
            Expect.equal (f.ToDoubleArray()) [| 1.0; 0.0; 1.0 |] "float64 values"
            Expect.isTrue (obj.ReferenceEquals(b.Backend, ManagedBackend.Instance)) "the backend of a directly built storage"
            Expect.isTrue (obj.ReferenceEquals(f.Backend, ManagedBackend.Instance)) "the backend of a cast result"
        }

        test "an int64 storage casts to float32 and compares into a bool storage" {
            let i = RawInt64([| -3L; 0L; 7L |], [| 3 |])
            let f = i.Cast Dtype.Float32
            Expect.isTrue (f :? RawFloat<float32>) "float32 storage"
            Expect.equal (f.ToFloat32Array()) [| -3.0f; 0.0f; 7.0f |] "float32 values"
            let c = i.Compare(CompareKind.Gt, RawInt64([| 0L; 0L; 0L |], [| 3 |]))
            Expect.isTrue (c :? RawBool) "bool storage"
            Expect.equal (c.ToBoolArray()) [| false; false; true |] "x > 0"
            Expect.equal ((i.Cast Dtype.Bool).ToBoolArray()) [| true; false; true |] "x <> 0"
        }

        test "managed SGD with momentum through IOptimizerStorage matches sgdStep32 bit for bit" {
            let hp = { SgdHyper.Default 0.1 with Momentum = 0.9; WeightDecay = 0.01; Nesterov = true }
            let p = f32 (Array.copy param0) [| 4 |]
            let buf = f32 (Array.zeroCreate 4) [| 4 |]
            let s = box p :?> IOptimizerStorage
            Expect.isTrue (s.SgdStep(f32 grad [| 4 |], buf, false, hp)) "first step (buffer starts as the direction)"
            Expect.isTrue (s.SgdStep(f32 grad [| 4 |], buf, true, hp)) "second step"
            let ep = Array.copy param0
            let st = SgdState<float32>.Create 4
            sgdStep32 ep grad st hp
            sgdStep32 ep grad st hp
            Expect.equal (bits (p.ToFloat32Array())) (bits ep) "parameter"
            Expect.equal (bits (buf.ToFloat32Array())) (bits st.MomentumBuffer) "momentum buffer"
        }

        test "managed SGD declines without a momentum buffer or with a gradient of another dtype" {
            let hp = { SgdHyper.Default 0.1 with Momentum = 0.9 }
            let p = f32 (Array.copy param0) [| 4 |]
            let s = box p :?> IOptimizerStorage
            Expect.isFalse (s.SgdStep(f32 grad [| 4 |], Unchecked.defaultof<RawTensor>, false, hp)) "no buffer"
            Expect.isFalse (s.SgdStep((f32 grad [| 4 |]).Cast Dtype.Float64, f32 (Array.zeroCreate 4) [| 4 |], false, hp)) "float64 grad"
            Expect.equal (p.ToFloat32Array()) param0 "the parameter is untouched"
        }

        test "managed AdamW through IOptimizerStorage counts steps from 1 like adamWStep32" {
            let hp = { AdamHyper.AdamW with Lr = 0.05; Amsgrad = true }
            let p = f32 (Array.copy param0) [| 4 |]
            let m, v, mx = f32 (Array.zeroCreate 4) [| 4 |], f32 (Array.zeroCreate 4) [| 4 |], f32 (Array.zeroCreate 4) [| 4 |]
            let s = box p :?> IOptimizerStorage
            for step in 1 .. 3 do
                Expect.isTrue (s.AdamStep(f32 grad [| 4 |], m, v, mx, step, true, hp)) "handled"
            let ep = Array.copy param0
            let st = AdamState<float32>.Create 4
            for _ in 1 .. 3 do adamWStep32 ep grad st hp
            Expect.equal (bits (p.ToFloat32Array())) (bits ep) "parameter"
            Expect.equal (bits (v.ToFloat32Array())) (bits st.ExpAvgSq) "second moment"
            Expect.equal (bits (mx.ToFloat32Array())) (bits st.MaxExpAvgSq) "max second moment"
        }

        test "managed centered RMSprop through IOptimizerStorage matches rmspropStep32" {
            let hp = { RmspropHyper.Default with Momentum = 0.5; Centered = true }
            let p = f32 (Array.copy param0) [| 4 |]
            let sq, mb, ga = f32 (Array.zeroCreate 4) [| 4 |], f32 (Array.zeroCreate 4) [| 4 |], f32 (Array.zeroCreate 4) [| 4 |]
            let s = box p :?> IOptimizerStorage
            for _ in 1 .. 2 do
                Expect.isTrue (s.RmspropStep(f32 grad [| 4 |], sq, mb, ga, hp)) "handled"
            let ep = Array.copy param0
            let st = RmspropState<float32>.Create 4
            for _ in 1 .. 2 do rmspropStep32 ep grad st hp
            Expect.equal (bits (p.ToFloat32Array())) (bits ep) "parameter"
            Expect.equal (bits (ga.ToFloat32Array())) (bits st.GradAvg) "gradient average"
        }

        test "the float32 storage's fused MSE gives PyTorch's mean and declines float64" {
            let a = f32 [| 1.0f; 2.0f; 3.0f |] [| 3 |]
            let z = f32 [| 0.0f; 0.0f; 0.0f |] [| 3 |]
            match (box a :?> IMseStorage).TryMse(z, true) with
            | r when isNull (box r) -> failtest "float32 MSE was not fused"
            | r -> Expect.equal (r.ToFloat32Array()) [| 14.0f / 3.0f |] "mean of 1, 4, 9"
            match (box a :?> IMseStorage).TryMse(z, false) with
            | r when isNull (box r) -> failtest "float32 MSE sum was not fused"
            | r -> Expect.equal (r.ToFloat32Array()) [| 14.0f |] "sum of 1, 4, 9"
            let a64 = a.Cast Dtype.Float64
            Expect.isNull (box ((box a64 :?> IMseStorage).TryMse(z.Cast Dtype.Float64, true))) "float64 runs the composite"
        }

        test "the fused MSE adjoint is scale·(x − y)·g and declines a gradient of another shape" {
            let a = f32 [| 1.0f; 2.0f; 3.0f |] [| 3 |]
            let y = f32 [| 0.5f; 0.5f; 0.5f |] [| 3 |]
            let s = box a :?> IMseStorage
            match s.TryMseGrad(y, 2.0, f32 [| 1.0f |] [||], true) with
            | r when isNull (box r) -> failtest "float32 adjoint was not fused"
            | r -> Expect.equal (r.ToFloat32Array()) [| -1.0f; -3.0f; -5.0f |] "-(2·(x − y))"
            Expect.isNull (box (s.TryMseGrad(y, 2.0, f32 [| 1.0f; 1.0f |] [| 2 |], false))) "gradient shape (2,)"
        }
    ]
