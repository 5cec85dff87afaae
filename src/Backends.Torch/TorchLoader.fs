namespace Fluxion.Backends.Torch

open System
open TorchSharp

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
