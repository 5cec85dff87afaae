namespace Fluxion.Random

/// The 256-layer ziggurat tables of NumPy's Generator.standard_normal (numpy/random/src/distributions,
/// `ki_double`, `wi_double`, `fi_double`), as IEEE-754 bit patterns. They are data that bit-for-bit
/// compatibility needs: recomputing them from the layer edge r = 3.6541528853610088 (even in 60-digit
/// arithmetic) differs from NumPy's in the last bits, which changes draws.
module internal NumpyZiggurat =
    /// Acceptance thresholds on the 52-bit magnitude, per layer.
    let ki: uint64[] =
        [|
          0x000ef33d8025ef6aUL; 0x0000000000000000UL; 0x000c08be98fbc6a8UL; 0x000da354fabd8142UL
          0x000e51f67ec1eeeaUL; 0x000eb255e9d3f77eUL; 0x000eef4b817ecab9UL; 0x000f19470afa44aaUL
          0x000f37ed61ffcb18UL; 0x000f4f469561255cUL; 0x000f61a5e41ba396UL; 0x000f707a755396a4UL
          0x000f7cb2ec28449aUL; 0x000f86f10c6357d3UL; 0x000f8fa6578325deUL; 0x000f9724c74dd0daUL
          0x000f9da907dbf509UL; 0x000fa360f581fa74UL; 0x000fa86fde5b4bf8UL; 0x000facf160d354dcUL
          0x000fb0fb6718b90fUL; 0x000fb49f8d5374c6UL; 0x000fb7ec2366fe77UL; 0x000fbaece9a1e50eUL
          0x000fbdab9d040bedUL; 0x000fc03060ff6c57UL; 0x000fc2821037a248UL; 0x000fc4a67ae25bd1UL
          0x000fc6a2977aee31UL; 0x000fc87aa92896a4UL; 0x000fca325e4bde85UL; 0x000fcbcce902231aUL
          0x000fcd4d12f839c4UL; 0x000fceb54d8fec99UL; 0x000fd007bf1dc930UL; 0x000fd1464dd6c4e6UL
          0x000fd272a8e2f450UL; 0x000fd38e4ff0c91eUL; 0x000fd49a9990b478UL; 0x000fd598b8920f53UL
          0x000fd689c08e99ecUL; 0x000fd76ea9c8e832UL; 0x000fd848547b08e8UL; 0x000fd9178bad2c8cUL
          0x000fd9dd07a7add2UL; 0x000fda9970105e8cUL; 0x000fdb4d5dc02e20UL; 0x000fdbf95c5bfcd0UL
          0x000fdc9debb99a7dUL; 0x000fdd3b8118729dUL; 0x000fddd288342f90UL; 0x000fde6364369f64UL
          0x000fdeee708d514eUL; 0x000fdf7401a6b42eUL; 0x000fdff46599ed40UL; 0x000fe06fe4bc24f2UL
          0x000fe0e6c225a258UL; 0x000fe1593c28b84cUL; 0x000fe1c78cbc3f99UL; 0x000fe231e9db1caaUL
          0x000fe29885da1b91UL; 0x000fe2fb8fb54186UL; 0x000fe35b33558d4aUL; 0x000fe3b799d0002aUL
          0x000fe410e99ead7fUL; 0x000fe46746d47734UL; 0x000fe4bad34c095cUL; 0x000fe50baed29524UL
          0x000fe559f74ebc78UL; 0x000fe5a5c8e41212UL; 0x000fe5ef3e138689UL; 0x000fe6366fd91078UL
          0x000fe67b75c6d578UL; 0x000fe6be661e11aaUL; 0x000fe6ff55e5f4f2UL; 0x000fe73e5900a702UL
          0x000fe77b823e9e39UL; 0x000fe7b6e37070a2UL; 0x000fe7f08d774243UL; 0x000fe8289053f08cUL
          0x000fe85efb35173aUL; 0x000fe893dc840864UL; 0x000fe8c741f0cebcUL; 0x000fe8f9387d4ef6UL
          0x000fe929cc879b1dUL; 0x000fe95909d388eaUL; 0x000fe986fb939aa2UL; 0x000fe9b3ac714866UL
          0x000fe9df2694b6d5UL; 0x000fea0973abe67cUL; 0x000fea329cf166a4UL; 0x000fea5aab32952cUL
          0x000fea81a6d5741aUL; 0x000feaa797de1cf0UL; 0x000feacc85f3d920UL; 0x000feaf07865e63cUL
          0x000feb13762fec13UL; 0x000feb3585fe2a4aUL; 0x000feb56ae3162b4UL; 0x000feb76f4e284faUL
          0x000feb965fe62014UL; 0x000febb4f4cf9d7cUL; 0x000febd2b8f449d0UL; 0x000febefb16e2e3eUL
          0x000fec0be31ebde8UL; 0x000fec2752b15a15UL; 0x000fec42049dafd3UL; 0x000fec5bfd29f196UL
          0x000fec75406ceef4UL; 0x000fec8dd2500cb4UL; 0x000feca5b6911f12UL; 0x000fecbcf0c427feUL
          0x000fecd38454fb15UL; 0x000fece97488c8b3UL; 0x000fecfec47f91b7UL; 0x000fed1377358528UL
          0x000fed278f844903UL; 0x000fed3b10242f4cUL; 0x000fed4dfbad586eUL; 0x000fed605498c3ddUL
          0x000fed721d414fe8UL; 0x000fed8357e4a982UL; 0x000fed9406a42cc8UL; 0x000feda42b85b704UL
          0x000fedb3c8746ab4UL; 0x000fedc2df416652UL; 0x000fedd171a46e52UL; 0x000feddf813c8ad3UL
          0x000feded0f909980UL; 0x000fedfa1e0fd414UL; 0x000fee06ae124bc4UL; 0x000fee12c0d95a06UL
          0x000fee1e579006e0UL; 0x000fee29734b6524UL; 0x000fee34150ae4bcUL; 0x000fee3e3db89b3cUL
          0x000fee47ee2982f4UL; 0x000fee51271db086UL; 0x000fee59e9407f41UL; 0x000fee623528b42eUL
          0x000fee6a0b5897f1UL; 0x000fee716c3e077aUL; 0x000fee7858327b82UL; 0x000fee7ecf7b06baUL
          0x000fee84d2484ab2UL; 0x000fee8a60b66343UL; 0x000fee8f7accc851UL; 0x000fee94207e25daUL
          0x000fee9851a829eaUL; 0x000fee9c0e13485cUL; 0x000fee9f557273f4UL; 0x000feea22762ccaeUL
          0x000feea4836b42acUL; 0x000feea668fc2d71UL; 0x000feea7d76ed6faUL; 0x000feea8ce04fa0aUL
          0x000feea94be8333bUL; 0x000feea950296410UL; 0x000feea8d9c0075eUL; 0x000feea7e7897654UL
          0x000feea678481d24UL; 0x000feea48aa29e83UL; 0x000feea21d22e4daUL; 0x000fee9f2e352024UL
          0x000fee9bbc26af2eUL; 0x000fee97c524f2e4UL; 0x000fee93473c0a3aUL; 0x000fee8e40557516UL
          0x000fee88ae369c7aUL; 0x000fee828e7f3dfdUL; 0x000fee7bdea7b888UL; 0x000fee749bff37ffUL
          0x000fee6cc3a9bd5eUL; 0x000fee64529e007eUL; 0x000fee5b45a32888UL; 0x000fee51994e57b6UL
          0x000fee474a0006cfUL; 0x000fee3c53e12c50UL; 0x000fee30b2e02ad8UL; 0x000fee2462ad8205UL
          0x000fee175eb83c5aUL; 0x000fee09a22a1447UL; 0x000fedfb27e349ccUL; 0x000fedebea76216cUL
          0x000feddbe422047eUL; 0x000fedcb0ece39d3UL; 0x000fedb964042cf4UL; 0x000feda6dce938c9UL
          0x000fed937237e98dUL; 0x000fed7f1c38a836UL; 0x000fed69d2b9c02bUL; 0x000fed538d06ae00UL
          0x000fed3c41dea422UL; 0x000fed23e76a2fd8UL; 0x000fed0a732fe644UL; 0x000fecefda07fe34UL
          0x000fecd4100eb7b8UL; 0x000fecb708956eb4UL; 0x000fec98b61230c1UL; 0x000fec790a0da978UL
          0x000fec57f50f31feUL; 0x000fec356686c962UL; 0x000fec114cb4b335UL; 0x000febeb948e6fd0UL
          0x000febc429a0b692UL; 0x000feb9af5ee0cdcUL; 0x000feb6fe1c98542UL; 0x000feb42d3ad1f9eUL
          0x000feb13b00b2d4bUL; 0x000feae2591a02e9UL; 0x000feaaeae992257UL; 0x000fea788d8ee326UL
          0x000fea3fcffd73e5UL; 0x000fea044c8dd9f6UL; 0x000fe9c5d62f563bUL; 0x000fe9843ba947a4UL
          0x000fe93f471d4728UL; 0x000fe8f6bd76c5d6UL; 0x000fe8aa5dc4e8e6UL; 0x000fe859e07ab1eaUL
          0x000fe804f690a940UL; 0x000fe7ab488233c0UL; 0x000fe74c751f6aa5UL; 0x000fe6e8102aa202UL
          0x000fe67da0b6abd8UL; 0x000fe60c9f38307eUL; 0x000fe5947338f742UL; 0x000fe51470977280UL
          0x000fe48bd436f458UL; 0x000fe3f9bffd1e37UL; 0x000fe35d35eeb19cUL; 0x000fe2b5122fe4feUL
          0x000fe20003995557UL; 0x000fe13c82788314UL; 0x000fe068c4ee67b0UL; 0x000fdf82b02b71aaUL
          0x000fde87c57efeaaUL; 0x000fdd7509c63bfdUL; 0x000fdc46e529bf13UL; 0x000fdaf8f82e0282UL
          0x000fd985e1b2ba75UL; 0x000fd7e6ef48cf04UL; 0x000fd613adbd650bUL; 0x000fd40149e2f012UL
          0x000fd1a1a7b4c7acUL; 0x000fcee204761f9eUL; 0x000fcba8d85e11b2UL; 0x000fc7d26ecd2d22UL
          0x000fc32b2f1e22edUL; 0x000fbd6581c0b83aUL; 0x000fb606c4005434UL; 0x000fac40582a2874UL
          0x000f9e971e014598UL; 0x000f89fa48a41dfcUL; 0x000f66c5f7f0302cUL; 0x000f1a5a4b331c4aUL |]

    /// Layer widths divided by 2^52 (bit patterns of doubles).
    let private wiBits: uint64[] =
        [|
          0x3ccf493b7815d979UL; 0x3c8b8d0be3fdf6c6UL; 0x3c9250af3c2c5bb4UL; 0x3c957cb938443b61UL
          0x3c9801fce82fa70cUL; 0x3c9a230c2e4cd0bcUL; 0x3c9c004d2f3861f7UL; 0x3c9dac2f5a747274UL
          0x3c9f32482d4cd5c3UL; 0x3ca04d32278ebbadUL; 0x3ca0f5053b025d43UL; 0x3ca192a697413677UL
          0x3ca227a28f7a1af5UL; 0x3ca2b52e3863d880UL; 0x3ca33c3fc05791f5UL; 0x3ca3bd9ec1a2b12fUL
          0x3ca439ef8dff9b55UL; 0x3ca4b1bb363dfea7UL; 0x3ca52575621ad374UL; 0x3ca59580a707ce96UL
          0x3ca60231cfd97eeaUL; 0x3ca66bd261a37c3dUL; 0x3ca6d2a292000570UL; 0x3ca736dad346f8a6UL
          0x3ca798ad10b32a77UL; 0x3ca7f845ad46f543UL; 0x3ca855cc53430a77UL; 0x3ca8b1649e7b769aUL
          0x3ca90b2ea94ecf98UL; 0x3ca96347822c1eeaUL; 0x3ca9b9c98e38c546UL; 0x3caa0eccdca4a72cUL
          0x3caa62676d77cd59UL; 0x3caab4ad6e101630UL; 0x3cab05b16d136c9cUL; 0x3cab558487427a29UL
          0x3caba4368e529f3aUL; 0x3cabf1d62abf8232UL; 0x3cac3e70f9594ef3UL; 0x3cac8a13a5323b61UL
          0x3cacd4c9fe72268bUL; 0x3cad1e9f0e80b748UL; 0x3cad679d29e41f10UL; 0x3cadafce0023b8c3UL
          0x3cadf73aa9f17653UL; 0x3cae3debb5d2edfeUL; 0x3cae83e9337a6f00UL; 0x3caec93abdf982ceUL
          0x3caf0de784f06226UL; 0x3caf51f654d8f688UL; 0x3caf956d9e87d7aeUL; 0x3cafd8537dfa2eacUL
          0x3cb00d56e04234ecUL; 0x3cb02e40f5398f9aUL; 0x3cb04eea9e16a5fcUL; 0x3cb06f565b72a010UL
          0x3cb08f869071f40bUL; 0x3cb0af7d84bc6113UL; 0x3cb0cf3d664bcc7fUL; 0x3cb0eec84b16086bUL
          0x3cb10e20329515eeUL; 0x3cb12d4707310fbeUL; 0x3cb14c3e9f8e9141UL; 0x3cb16b08bfc4201eUL
          0x3cb189a71a78da34UL; 0x3cb1a81b51ee6d88UL; 0x3cb1c666f8f82acbUL; 0x3cb1e48b93e0d42eUL
          0x3cb2028a9940a09fUL; 0x3cb2206572c4c6e9UL; 0x3cb23e1d7de9c31fUL; 0x3cb25bb40ca96bfbUL
          0x3cb2792a661dd37fUL; 0x3cb29681c719d71bUL; 0x3cb2b3bb62b82edaUL; 0x3cb2d0d862e1b853UL
          0x3cb2edd9e8cba98eUL; 0x3cb30ac10d6e48d7UL; 0x3cb3278ee1f4b930UL; 0x3cb3444470265ea1UL
          0x3cb360e2baca52d5UL; 0x3cb37d6abe05586aUL; 0x3cb399dd6fb2b264UL; 0x3cb3b63bbfb83d03UL
          0x3cb3d28698561de0UL; 0x3cb3eebede725a83UL; 0x3cb40ae571e09e74UL; 0x3cb426fb2da6745dUL
          0x3cb44300e83c30a4UL; 0x3cb45ef773cac75dUL; 0x3cb47adf9e66c336UL; 0x3cb496ba32488f2fUL
          0x3cb4b287f602415dUL; 0x3cb4ce49acb311dcUL; 0x3cb4ea001638a605UL; 0x3cb505abef5e5562UL
          0x3cb5214df20a8b5aUL; 0x3cb53ce6d56a664fUL; 0x3cb558774e1bb2c8UL; 0x3cb574000e555f78UL
          0x3cb58f81c60e8514UL; 0x3cb5aafd23241b59UL; 0x3cb5c672d17d733dUL; 0x3cb5e1e37b2f8cd3UL
          0x3cb5fd4fc89f5e38UL; 0x3cb618b860a31fc3UL; 0x3cb6341de8a2b0a2UL; 0x3cb64f8104b7260bUL
          0x3cb66ae257c99672UL; 0x3cb6864283b13137UL; 0x3cb6a1a22950b2b1UL; 0x3cb6bd01e8b343bbUL
          0x3cb6d8626128d352UL; 0x3cb6f3c43161f854UL; 0x3cb70f27f78b68ebUL; 0x3cb72a8e516914c6UL
          0x3cb745f7dc70eedcUL; 0x3cb7616535e5731fUL; 0x3cb77cd6faeff449UL; 0x3cb7984dc8babd93UL
          0x3cb7b3ca3c8b1409UL; 0x3cb7cf4cf3db22fbUL; 0x3cb7ead68c73dee7UL; 0x3cb80667a486ea1fUL
          0x3cb82200dac88676UL; 0x3cb83da2ce899f15UL; 0x3cb8594e1fd1f5bdUL; 0x3cb875036f7a7ec5UL
          0x3cb890c35f47f72dUL; 0x3cb8ac8e9205c043UL; 0x3cb8c865aba10c9cUL; 0x3cb8e44951446a27UL
          0x3cb9003a2973b58fUL; 0x3cb91c38dc288347UL; 0x3cb9384612ef0afcUL; 0x3cb954627903a28aUL
          0x3cb9708ebb70d5eeUL; 0x3cb98ccb892e2a31UL; 0x3cb9a919933f99bfUL; 0x3cb9c5798cd5d92cUL
          0x3cb9e1ec2b6f7411UL; 0x3cb9fe7226fad24aUL; 0x3cba1b0c39f93692UL; 0x3cba37bb21a2c85bUL
          0x3cba547f9e0bbb88UL; 0x3cba715a724aa9a4UL; 0x3cba8e4c64a0313dUL; 0x3cbaab563e9ff108UL
          0x3cbac878cd5af5ceUL; 0x3cbae5b4e18bb336UL; 0x3cbb030b4fc3a11aUL; 0x3cbb207cf09a985bUL
          0x3cbb3e0aa0e00c00UL; 0x3cbb5bb541ce3d03UL; 0x3cbb797db93f8927UL; 0x3cbb9764f1e5f73cUL
          0x3cbbb56bdb85256eUL; 0x3cbbd3936b2ec0a2UL; 0x3cbbf1dc9b81ae83UL; 0x3cbc10486cec16a0UL
          0x3cbc2ed7e5f07a2dUL; 0x3cbc4d8c136e0d1cUL; 0x3cbc6c6608ec8705UL; 0x3cbc8b66e0eba617UL
          0x3cbcaa8fbd36a2abUL; 0x3cbcc9e1c73bd690UL; 0x3cbce95e3068e037UL; 0x3cbd0906328b8f6eUL
          0x3cbd28db1037ef20UL; 0x3cbd48de1533c647UL; 0x3cbd691096e7f123UL; 0x3cbd8973f4d7fba5UL
          0x3cbdaa0999206e70UL; 0x3cbdcad2f8fc490eUL; 0x3cbdebd195522e37UL; 0x3cbe0d06fb49d21cUL
          0x3cbe2e74c4ea46f6UL; 0x3cbe501c99c1d188UL; 0x3cbe72002f97fe25UL; 0x3cbe94214b2abf0aUL
          0x3cbeb681c0f76f08UL; 0x3cbed9237610a73aUL; 0x3cbefc086101eca9UL; 0x3cbf1f328ac25321UL
          0x3cbf42a40fb74d6dUL; 0x3cbf665f20c90168UL; 0x3cbf8a6604899782UL; 0x3cbfaebb187122bfUL
          0x3cbfd360d22fe785UL; 0x3cbff859c118f60bUL; 0x3cc00ed447d3a075UL; 0x3cc021a8028fc947UL
          0x3cc034a983a902abUL; 0x3cc047da4e3ef5c7UL; 0x3cc05b3bf6adb37eUL; 0x3cc06ed023a72668UL
          0x3cc082988f632e17UL; 0x3cc0969708e8a254UL; 0x3cc0aacd7571c0c4UL; 0x3cc0bf3dd1eed448UL
          0x3cc0d3ea34aa3d30UL; 0x3cc0e8d4cf116593UL; 0x3cc0fdffefa69fb6UL; 0x3cc1136e04207041UL
          0x3cc129219bbb5d35UL; 0x3cc13f1d69c4096dUL; 0x3cc1556448602e3bUL; 0x3cc16bf93b9deef3UL
          0x3cc182df74d21261UL; 0x3cc19a1a564eebacUL; 0x3cc1b1ad777f2f8eUL; 0x3cc1c99ca971a694UL
          0x3cc1e1ebfbe4ae39UL; 0x3cc1fa9fc2e2d901UL; 0x3cc213bc9d04cc81UL; 0x3cc22d477a6fd3eeUL
          0x3cc24745a4ac9c24UL; 0x3cc261bcc77658e0UL; 0x3cc27cb2faa8592eUL; 0x3cc2982ecd770e78UL
          0x3cc2b437532a0a52UL; 0x3cc2d0d43196db97UL; 0x3cc2ee0db1a978f5UL; 0x3cc30becd256aeeeUL
          0x3cc32a7b5e68a4a3UL; 0x3cc349c405ae12a3UL; 0x3cc369d27a33a840UL; 0x3cc38ab39256410aUL
          0x3cc3ac7570ae88faUL; 0x3cc3cf27b31704a6UL; 0x3cc3f2dbaa60f475UL; 0x3cc417a49cb9e5daUL
          0x3cc43d9815545e94UL; 0x3cc464ce44a73a15UL; 0x3cc48d62759c43bcUL; 0x3cc4b7739d6b5a27UL
          0x3cc4e3250dcd8902UL; 0x3cc5109f53e9ac41UL; 0x3cc54011523a7e42UL; 0x3cc571b1a94ae41bUL
          0x3cc5a5c08b718dd9UL; 0x3cc5dc8a243ad0feUL; 0x3cc61669cf861e4cUL; 0x3cc653ce7b006aeaUL
          0x3cc69540be9fe5c3UL; 0x3cc6db6b8d09e232UL; 0x3cc72728f05f7a34UL; 0x3cc7799556090673UL
          0x3cc7d42df4d6ce8cUL; 0x3cc839030529f234UL; 0x3cc8ab0fbfaa7c14UL; 0x3cc92ee0946f4496UL
          0x3cc9cbee014057abUL; 0x3cca8fdc7894775aUL; 0x3ccb981f3878fdb1UL; 0x3ccd3bb48209ad33UL |]

    /// The density at each layer's edge (bit patterns of doubles).
    let private fiBits: uint64[] =
        [|
          0x3ff0000000000000UL; 0x3fef446ac979f087UL; 0x3feeb7545b6ca915UL; 0x3fee3f11e027f077UL
          0x3fedd36fa704de95UL; 0x3fed70920657bcf2UL; 0x3fed144978a119dcUL; 0x3fecbd33a8a72debUL
          0x3fec6a5ecea9787fUL; 0x3fec1b1cd9eebaeaUL; 0x3febceeb4ee1dc82UL; 0x3feb85653a8ff552UL
          0x3feb3e3a8234dd10UL; 0x3feaf92a3f6ce8a2UL; 0x3feab5fef17a2504UL; 0x3fea748bd550c9e1UL
          0x3fea34aafdf5af0fUL; 0x3fe9f63bee651fd8UL; 0x3fe9b9228d240681UL; 0x3fe97d4657617ac1UL
          0x3fe94291c21b7a47UL; 0x3fe908f1bd31714fUL; 0x3fe8d0554fe60aa8UL; 0x3fe898ad48badf02UL
          0x3fe861ebfc37bcacUL; 0x3fe82c050f56cf6eUL; 0x3fe7f6ed4b20e2cbUL; 0x3fe7c29a779c6858UL
          0x3fe78f033ca0b0d5UL; 0x3fe75c1f0770d856UL; 0x3fe729e5f43f6d12UL; 0x3fe6f850baea7aeeUL
          0x3fe6c7589e635a89UL; 0x3fe696f75e513b2aUL; 0x3fe667272a92e323UL; 0x3fe637e298550c18UL
          0x3fe6092498802665UL; 0x3fe5dae86f4aff6aUL; 0x3fe5ad29acc85c89UL; 0x3fe57fe4264c8d8fUL
          0x3fe55313f08d9e46UL; 0x3fe526b55a656cd5UL; 0x3fe4fac4e820b667UL; 0x3fe4cf3f4f494ec0UL
          0x3fe4a42172dc5278UL; 0x3fe479685fdf5012UL; 0x3fe44f114a493679UL; 0x3fe425198a355fe3UL
          0x3fe3fb7e99585b82UL; 0x3fe3d23e10af31a3UL; 0x3fe3a955a662cd0eUL; 0x3fe380c32bda00d5UL
          0x3fe358848bf550e9UL; 0x3fe33097c9703a35UL; 0x3fe308fafd6438efUL; 0x3fe2e1ac55ea3beeUL
          0x3fe2baaa14d7954aUL; 0x3fe293f28e93cd15UL; 0x3fe26d84290504edUL; 0x3fe2475d5a90db84UL
          0x3fe2217ca92ff7f2UL; 0x3fe1fbe0a9929620UL; 0x3fe1d687fe549969UL; 0x3fe1b171573fd111UL
          0x3fe18c9b709b3c50UL; 0x3fe16805128639daUL; 0x3fe143ad105ea99cUL; 0x3fe11f9248311f38UL
          0x3fe0fbb3a2325913UL; 0x3fe0d810104142a0UL; 0x3fe0b4a68d70d9aeUL; 0x3fe091761d995d81UL
          0x3fe06e7dccf03c36UL; 0x3fe04bbcafa63f2eUL; 0x3fe02931e18b822aUL; 0x3fe006dc85b8cac4UL
          0x3fdfc9778c7bbda1UL; 0x3fdf859da7a900caUL; 0x3fdf4229cb2f7af3UL; 0x3fdeff1a717e8f95UL
          0x3fdebc6e20bd1f54UL; 0x3fde7a236a4ec3c5UL; 0x3fde3838ea5f9b85UL; 0x3fddf6ad47763a09UL
          0x3fddb57f320b56b1UL; 0x3fdd74ad6426de33UL; 0x3fdd3436a1021080UL; 0x3fdcf419b4ae5b6dUL
          0x3fdcb45573c0a848UL; 0x3fdc74e8bb00d7c7UL; 0x3fdc35d26f1d2cb8UL; 0x3fdbf7117c616a17UL
          0x3fdbb8a4d6716d91UL; 0x3fdb7a8b7807131bUL; 0x3fdb3cc462b331caUL; 0x3fdaff4e9ea18552UL
          0x3fdac2293a5f5a9eUL; 0x3fda85534aa4d880UL; 0x3fda48cbea20c04dUL; 0x3fda0c923946843eUL
          0x3fd9d0a55e1e93dfUL; 0x3fd995048418c0c6UL; 0x3fd959aedbe09f93UL; 0x3fd91ea39b33cb17UL
          0x3fd8e3e1fcb9f115UL; 0x3fd8a9693fde9188UL; 0x3fd86f38a8ac5ab6UL; 0x3fd8354f7faa0dd9UL
          0x3fd7fbad11b8d911UL; 0x3fd7c250aff414b0UL; 0x3fd78939af9252ebUL; 0x3fd7506769c7b1edUL
          0x3fd717d93ba9614cUL; 0x3fd6df8e86124caaUL; 0x3fd6a786ad88de21UL; 0x3fd66fc11a25cbe2UL
          0x3fd6383d377be515UL; 0x3fd600fa7480d2c8UL; 0x3fd5c9f84376c244UL; 0x3fd5933619d6eebeUL
          0x3fd55cb3703d0100UL; 0x3fd5266fc2533bedUL; 0x3fd4f06a8ebf6d92UL; 0x3fd4baa357109ca2UL
          0x3fd485199fad6ad4UL; 0x3fd44fccefc324feUL; 0x3fd41abcd1357a19UL; 0x3fd3e5e8d08ed2dbUL
          0x3fd3b1507cf143aeUL; 0x3fd37cf368081379UL; 0x3fd348d125f9d19eUL; 0x3fd314e94d5af62fUL
          0x3fd2e13b77210766UL; 0x3fd2adc73e963fddUL; 0x3fd27a8c414db11eUL; 0x3fd2478a1f17de89UL
          0x3fd214c079f7cc9eUL; 0x3fd1e22ef6188116UL; 0x3fd1afd539c2f050UL; 0x3fd17db2ed5454e8UL
          0x3fd14bc7bb34ee67UL; 0x3fd11a134fcf2423UL; 0x3fd0e895598709c4UL; 0x3fd0b74d88b242daUL
          0x3fd0863b8f904336UL; 0x3fd0555f2242e9d9UL; 0x3fd024b7f6c7747eUL; 0x3fcfe88b89df93c5UL
          0x3fcf88108cb83235UL; 0x3fcf27fe6ce998d2UL; 0x3fcec854a4c99c44UL; 0x3fce6912b2283cddUL
          0x3fce0a3816457184UL; 0x3fcdabc455c7900aUL; 0x3fcd4db6f8b2514fUL; 0x3fccf00f8a5e6fccUL
          0x3fcc92cd9971df53UL; 0x3fcc35f0b7d89d47UL; 0x3fcbd9787abe18a1UL; 0x3fcb7d647a8731aaUL
          0x3fcb21b452ccd13aUL; 0x3fcac667a2571807UL; 0x3fca6b7e0b19267eUL; 0x3fca10f7322d7e3dUL
          0x3fc9b6d2bfd2fe5aUL; 0x3fc95d105f6a7c27UL; 0x3fc903afbf74fa69UL; 0x3fc8aab09192815bUL
          0x3fc852128a819a38UL; 0x3fc7f9d5621f7175UL; 0x3fc7a1f8d368a323UL; 0x3fc74a7c9c7ab5a6UL
          0x3fc6f3607e964716UL; 0x3fc69ca43e21f25cUL; 0x3fc64647a2adf19cUL; 0x3fc5f04a76f883f9UL
          0x3fc59aac88f31d6cUL; 0x3fc5456da9c86835UL; 0x3fc4f08dade31fc1UL; 0x3fc49c0c6cf5ce2dUL
          0x3fc447e9c20375d5UL; 0x3fc3f4258b6931aeUL; 0x3fc3a0bfaae8d7eeUL; 0x3fc34db805b4ab88UL
          0x3fc2fb0e847c2a65UL; 0x3fc2a8c3137a071aUL; 0x3fc256d5a2835eb7UL; 0x3fc2054625183c34UL
          0x3fc1b41492757d42UL; 0x3fc16340e5a82d63UL; 0x3fc112cb1da26eb9UL; 0x3fc0c2b33d5209baUL
          0x3fc072f94bb8bf85UL; 0x3fc0239d54067d2aUL; 0x3fbfa93ecb6b222cUL; 0x3fbf0bff29520e1cUL
          0x3fbe6f7bf29aa54bUL; 0x3fbdd3b56176e88fUL; 0x3fbd38abb9bd91e5UL; 0x3fbc9e5f493b740aUL
          0x3fbc04d0680b1015UL; 0x3fbb6bff78f2e233UL; 0x3fbad3ece9caf633UL; 0x3fba3c9933ea6286UL
          0x3fb9a604dc9d5b19UL; 0x3fb9103075a4a0abUL; 0x3fb87b1c9dbf2852UL; 0x3fb7e6ca013eefd6UL
          0x3fb753395aaa1176UL; 0x3fb6c06b73694a4cUL; 0x3fb62e6124854d18UL; 0x3fb59d1b577466a4UL
          0x3fb50c9b06fa2baeUL; 0x3fb47ce1401b2213UL; 0x3fb3edef23269a86UL; 0x3fb35fc5e4d93e70UL
          0x3fb2d266cf9b3111UL; 0x3fb245d344dd0d91UL; 0x3fb1ba0cbe97897dUL; 0x3fb12f14d0f2179dUL
          0x3fb0a4ed2c159625UL; 0x3fb01b979e30e497UL; 0x3faf262c2b6c6e35UL; 0x3fae16d547b25181UL
          0x3fad092efeadf162UL; 0x3fabfd3e0f282a2cUL; 0x3faaf30790385f70UL; 0x3fa9ea90f9295563UL
          0x3fa8e3e02a68b5abUL; 0x3fa7defb77af271eUL; 0x3fa6dbe9b398d064UL; 0x3fa5dab23cf2add4UL
          0x3fa4db5d0e11275dUL; 0x3fa3ddf2ce98eecbUL; 0x3fa2e27ce83df497UL; 0x3fa1e9059f1f6abcUL
          0x3fa0f1982e968011UL; 0x3f9ff881d718a5c4UL; 0x3f9e121adb828c75UL; 0x3f9c301983cd091aUL
          0x3f9a529f4e22ebf8UL; 0x3f9879d1b600c10aUL; 0x3f96a5daf40bbf82UL; 0x3f94d6eaf2fbb064UL
          0x3f930d388dab5e13UL; 0x3f91490334603012UL; 0x3f8f152a4f72dd49UL; 0x3f8ba48d274f8facUL
          0x3f8841040d8da478UL; 0x3f84eb96421acfe0UL; 0x3f81a59229952f92UL; 0x3f7ce160f8ec6837UL
          0x3f769ea8d90cb85dUL; 0x3f708a1f03b0b1fdUL; 0x3f655f9f43c1b067UL; 0x3f54a605b6b9f70fUL |]

    /// Layer widths divided by 2^52.
    let wi: float[] = wiBits |> Array.map (fun b -> System.BitConverter.UInt64BitsToDouble b)
    /// The density at each layer's edge.
    let fi: float[] = fiBits |> Array.map (fun b -> System.BitConverter.UInt64BitsToDouble b)
