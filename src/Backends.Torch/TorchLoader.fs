namespace Fluxion.Backends.Torch

open System
open System.Runtime.InteropServices
open TorchSharp

/// libtorch switches that TorchSharp does not expose, set through libtorch's own exported functions.
module internal LibTorchSwitches =
    [<UnmanagedFunctionPointer(CallingConvention.Cdecl)>]
    type private GlobalContext = delegate of unit -> nativeint

    [<UnmanagedFunctionPointer(CallingConvention.Cdecl)>]
    type private SetFlag = delegate of nativeint * byte -> unit

    /// Turns off libtorch's NNPACK convolutions (at::globalContext().setUserEnabledNNPACK(false)); returns false when
    /// the library or its symbols are not found (another platform or libtorch build), leaving libtorch as it was.
    /// Why: libtorch probes NNPACK for every convolution that oneDNN does not take (batch 1 with a small kernel,
    /// for instance) and, on CPUs NNPACK does not support, logs "Could not initialize NNPACK! Reason: Unsupported
    /// hardware." each time (TORCH_CPP_LOG_LEVEL does not reach this log). NNPACK would only run for float32
    /// batches of 16 or more that oneDNN declines, which it never does while enabled, so nothing is lost.
    let disableNnpack () =
        let mutable lib = 0n
        let mutable ctxFn = 0n
        let mutable setFn = 0n
        // libtorch_cpu is already loaded by TorchSharp; loading it by name returns that same library.
        if NativeLibrary.TryLoad("libtorch_cpu.so", typeof<torch.Tensor>.Assembly, Nullable(), &lib)
           && NativeLibrary.TryGetExport(lib, "_ZN2at13globalContextEv", &ctxFn)
           && NativeLibrary.TryGetExport(lib, "_ZN2at7Context20setUserEnabledNNPACKEb", &setFn) then
            let ctx = Marshal.GetDelegateForFunctionPointer<GlobalContext>(ctxFn).Invoke()
            Marshal.GetDelegateForFunctionPointer<SetFlag>(setFn).Invoke(ctx, 0uy)
            true
        else false

/// Loads libtorch once per process and remembers a failure, so that every later use reports the same clear
/// reason instead of TorchSharp's TypeInitializationException.
module TorchLoader =
    let private gate = obj ()
    let mutable private state = 0 // 0 untried, 1 loaded, 2 failed
    let mutable private failure = Unchecked.defaultof<TorchBackendUnavailableException>

    // Kept out of line so that touching `torch` (whose static constructor loads the natives) happens here only.
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    let private load () =
        torch.InitializeDeviceType(DeviceType.CPU)
        LibTorchSwitches.disableNnpack () |> ignore

    /// Loads libtorch if needed; raises TorchBackendUnavailableException (with the reason) when it cannot.
    let ensure () =
        if state <> 1 then
            lock gate (fun () ->
                if state = 0 then
                    match TorchDiagnosis.precheck () with
                    | Some reason ->
                        failure <- TorchBackendUnavailableException(reason, null)
                        state <- 2
                    | None ->
                        try
                            load ()
                            state <- 1
                        with e ->
                            failure <- TorchBackendUnavailableException(TorchDiagnosis.explain e, e)
                            state <- 2
                if state = 2 then
                    raise (TorchBackendUnavailableException(failure.Message, failure.InnerException)))

    /// True when libtorch is loaded or can be loaded now.
    let isAvailable () =
        try
            ensure ()
            true
        with :? TorchBackendUnavailableException -> false
