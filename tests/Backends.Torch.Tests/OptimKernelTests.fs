/// The Torch backend's in-place optimizer kernels against the managed array kernels (PyTorch-exact).
module OptimKernelTests

open Expecto
open Fluxion
open Fluxion.Kernels
open Fluxion.Backends.Torch
open TorchTestUtil

let private onTorch32 (a: float32[]) = Tensor.OfRaw(TorchBackend.Instance.OfFloat32(Array.copy a, [| a.Length |]))
let private expectClose (what: string) (managed: float32[]) (torch: Tensor) =
    close32 what (TorchTestUtil.managed.OfFloat32(managed, [| managed.Length |])) torch.Raw

[<Tests>]
let tests =
    testList "Torch.OptimKernels" [
        torchCase "SGD with and without momentum, Adam and RMSprop follow the managed kernels for five steps" <| fun () ->
            let p0 = values 41 7 -2.0 2.0 |> Array.map float32
            let grads = Array.init 5 (fun k -> values (50 + k) 7 -1.0 1.0 |> Array.map float32)
            // SGD, momentum 0 and 0.8
            for mom in [ 0.0; 0.8 ] do
                let pm = Array.copy p0
                let st = OptimKernels.SgdState<float32>.Create(if mom = 0.0 then 0 else 7)
                let hp = { OptimKernels.SgdHyper.Default 0.1 with Momentum = mom }
                let pt = onTorch32 p0
                let buf = TorchOptimKernels.state pt
                grads |> Array.iteri (fun k g ->
                    OptimKernels.sgdStep32 pm g st hp
                    TorchOptimKernels.sgdStep pt (onTorch32 g) buf (k = 0) 0.1 mom
                    expectClose (sprintf "SGD momentum %g step %d" mom (k + 1)) pm pt)
            // Adam
            let pm = Array.copy p0
            let st = OptimKernels.AdamState<float32>.Create 7
            let hp = { OptimKernels.AdamHyper.Adam with Lr = 0.03 }
            let pt = onTorch32 p0
            let m, v = TorchOptimKernels.state pt, TorchOptimKernels.state pt
            grads |> Array.iteri (fun k g ->
                OptimKernels.adamStep32 pm g st hp
                TorchOptimKernels.adamStep pt (onTorch32 g) m v (k + 1) 0.03 0.9 0.999 1e-8
                expectClose (sprintf "Adam step %d" (k + 1)) pm pt)
            // RMSprop
            let pm = Array.copy p0
            let st = OptimKernels.RmspropState<float32>.Create 7
            let hp = { OptimKernels.RmspropHyper.Default with Lr = 0.03 }
            let pt = onTorch32 p0
            let a = TorchOptimKernels.state pt
            grads |> Array.iteri (fun k g ->
                OptimKernels.rmspropStep32 pm g st hp
                TorchOptimKernels.rmspropStep pt (onTorch32 g) a 0.03 0.99 1e-8
                expectClose (sprintf "RMSprop step %d" (k + 1)) pm pt)

        torchCase "the kernels reject tensors that are not float tensors on the torch backend" <| fun () ->
            let managed = Tensor.ofArray [| 2 |] [| 1.0f; 2.0f |]
            let t = onTorch32 [| 1.0f; 2.0f |]
            Expect.throwsT<System.ArgumentException> (fun () -> TorchOptimKernels.sgdStep managed t t false 0.1 0.0) "managed p"
            Expect.throwsT<System.ArgumentException> (fun () -> TorchOptimKernels.adamStep t t t t 0 0.1 0.9 0.999 1e-8) "step 0"
    ]
