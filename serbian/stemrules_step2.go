package serbian

// step2 is the .sbl's Step_2 among-list: suffix families whose endings are
// cut down to the derivational part (gradskog → gradsk, opštinama →
// opštin), verb endings, and at the end the same families spelled without
// diacritics, which apply only to words with none (toBald). Groups and
// their suffixes keep the .sbl's order so they can be checked against it.
var step2 = newAmong(
	to("sk", "skijima skijega skijemu skijem skega skemu skem skijim skijih skijoj skijeg "+
		"skiji skije skija skoga skome skomu skima skog skom skim skih skoj ski ske sko ska sku"),
	to("šk", "škijima škijega škijemu škijem škega škemu škem škijim škijih škijoj škijeg "+
		"škiji škije škija škoga škome škomu škima škog škom škim ških škoj ški ške ško ška šku"),
	to("stv", "stvima stvom stvo stva stvu"),
	to("štv", "štvima štvom štvo štva štvu"),
	to("tanij", "tanijama tanijima tanijom tanija taniju tanije taniji"),
	to("manij", "manijama manijima manijom manija maniju manije maniji"),
	to("panij", "panijama panijima panijom panija paniju panije paniji"),
	to("ranij", "ranijama ranijima ranijom ranija raniju ranije raniji"),
	to("ganij", "ganijama ganijima ganijom ganija ganiju ganije ganiji"),
	to("an", "aninom anina aninu anine anima anin anom anu ani ana ane"),
	to("in", "inima inama inom ina ine ini inu ino"),
	to("on", "onovima onova onove onovi onima onom ona one oni onu"),
	to("n", "nijima nijega nijemu nijeg nijem nega nemu neg nem nijim nijih nijoj niji nije "+
		"nija niju nima nome nomu noga noj nom nih nim nog no ne na nu ni"),
	to("ać", "aćoga aćome aćomu aćega aćemu aćima aćoj aćih aćom aćeg aćem aćog aćuh aćim aće aća"),
	to("eć", "ećoga ećome ećomu ećega ećemu ećima ećoj ećih ećom ećeg ećem ećog ećuh ećim eće eća"),
	to("uć", "ućoga ućome ućomu ućega ućemu ućima ućoj ućih ućom ućeg ućem ućog ućuh ućim uće uća"),
	to("ugov", "ugovima ugovi ugove ugova"),
	to("ug", "ugama ugom uga uge ugi ugu ugo"),
	to("log", "logama logom loga logu loge"),
	to("g", "govima gama govi gove gova gom ga ge gi gu go"),
	to("rari", "rarijem rarija rariju rario"),
	to("oti", "otijem otija otiju otio"),
	to("si", "sijem sija siju sio"),
	to("li", "lijem lija liju lio"),
	to("uj", "ujući ujemo ujete ujmo ujem uješ uje uju"),
	to("caj", "cajevima cajevi cajeva cajeve cajama cajima cajem caja caje caji caju"),
	to("čaj", "čajevima čajevi čajeva čajeve čajama čajima čajem čaja čaje čaji čaju"),
	to("ćaj", "ćajevima ćajevi ćajeva ćajeve ćajama ćajima ćajem ćaja ćaje ćaji ćaju"),
	to("đaj", "đajevima đajevi đajeva đajeve đajama đajima đajem đaja đaje đaji đaju"),
	to("laj", "lajevima lajevi lajeva lajeve lajama lajima lajem laja laje laji laju"),
	to("raj", "rajevima rajevi rajeva rajeve rajama rajima rajem raja raje raji raju"),
	to("bij", "bijima bijama bijom bija bije biji biju bijo"),
	to("cij", "cijima cijama cijom cija cije ciji ciju cijo"),
	to("dij", "dijima dijama dijom dija dije diji diju dijo"),
	to("lij", "lijima lijama lijom lije liji lijo"),
	to("nij", "nijama nijom nijo"),
	to("mij", "mijima mijama mijom mija mije miji miju mijo"),
	to("žij", "žijima žijama žijom žija žije žiji žiju žijo"),
	to("gij", "gijima gijama gijom gija gije giji giju gijo"),
	to("fij", "fijima fijama fijom fija fije fiji fiju fijo"),
	to("pij", "pijima pijama pijom pija pije piji piju pijo"),
	to("rij", "rijima rijama rijom rija rije riji riju rijo"),
	to("sij", "sijima sijama sijom sije siji sijo"),
	to("tij", "tijima tijama tijom tija tije tiji tiju tijo"),
	to("zij", "zijima zijama zijom zija zije ziji ziju zijo"),
	to("nal", "nalima nalama nalom nala nale nali nalu nalo"),
	to("ijal", "ijalima ijalama ijalom ijala ijale ijali ijalu ijalo"),
	to("ozil", "ozilima ozilom ozila ozile ozilu ozili"),
	to("olov", "olovima olovi olova olove"),
	to("ol", "olima olom ola olu ole oli"),
	to("lem", "lemama lemima lemom lema leme lemi lemu lemo"),
	to("ram", "ramama ramom rama rame rami ramu ramo"),
	to("ar", "arama arima arom aru ara are ari"),
	to("dr", "drama drima drom dru dra dre dri"),
	to("er", "erama erima erom eru era ere eri"),
	to("or", "orama orima orom oru ora ore ori"),
	to("es", "esima esom ese esa esu"),
	to("is", "isima isom ise isa isu"),
	to("taš", "tašama tašima tašom tašem taša tašu taši taše"),
	to("naš", "našama našima našom našem naša našu naši naše"),
	to("jaš", "jašama jašima jašom jašem jaša jašu jaši jaše"),
	to("kaš", "kašama kašima kašom kašem kaša kašu kaši kaše"),
	to("baš", "bašama bašima bašom bašem baša bašu baši baše"),
	to("gaš", "gašama gašima gašom gašem gaša gašu gaši gaše"),
	to("vaš", "vašama vašima vašom vašem vaša vašu vaši vaše"),
	to("eš", "ešima ešama ešom ešem eši eše eša ešu"),
	to("iš", "išima išama išom išem iši iše iša išu"),
	to("ikat", "ikatima ikatom ikata ikate ikati ikatu ikato"),
	to("lat", "latima latom lata late lati latu lato"),
	to("et", "etama etima etom eta ete eti etu eto"),
	to("est", "estima estama estom esta este esti estu esto"),
	to("ist", "istima istama istom ista iste isti istu isto"),
	to("kst", "kstima kstama kstom ksta kste ksti kstu ksto"),
	to("ost", "ostima ostama ostom osta oste osti ostu osto"),
	to("išt", "ištima ištem išta ište ištu"),
	to("ova", "ovasmo ovaste ovahu ovati ovaše ovali ovala ovale ovalo ovat ovah ovao"),
	to("av", "avijemu avijima avijega avijeg avijem avemu avega aveg avem avijim avijih avijoj "+
		"avoga avome avomu avima avama aviji avije avija aviju avim avih avoj avom avog "+
		"avi ava avu ave avo"),
	to("ev", "evijemu evijima evijega evijeg evijem evemu evega eveg evem evijim evijih evijoj "+
		"evoga evome evomu evima evama eviji evije evija eviju evim evih evoj evom evog "+
		"evi eva evu eve evo"),
	to("iv", "ivijemu ivijima ivijega ivijeg ivijem ivemu ivega iveg ivem ivijim ivijih ivijoj "+
		"ivoga ivome ivomu ivima ivama iviji ivije ivija iviju ivim ivih ivoj ivom ivog "+
		"ivi iva ivu ive ivo"),
	to("ov", "ovijemu ovijima ovijega ovijeg ovijem ovemu ovega oveg ovijim ovijih ovijoj "+
		"ovoga ovome ovomu ovima oviji ovije ovija oviju ovim ovih ovoj ovom ovog "+
		"ovi ova ovu ove ovo"),
	to("mov", "movima movom mova movu move movi"),
	to("lov", "lovima lovom lova lovu love lovi"),
	to("el", "elijemu elijima elijega elijeg elijem elemu elega eleg elem elijim elijih elijoj "+
		"eloga elome elomu elima eliji elije elija eliju elim elih eloj elom elog "+
		"eli ela elu ele elo"),
	to("anj", "anjijemu anjijima anjijega anjijeg anjijem anjemu anjega anjeg anjem anjijim "+
		"anjijih anjijoj anjoga anjome anjomu anjima anjiji anjije anjija anjiju anjim anjih "+
		"anjoj anjom anjog anja anje anji anjo anju"),
	to("enj", "enjijemu enjijima enjijega enjijeg enjijem enjemu enjega enjeg enjem enjijim "+
		"enjijih enjijoj enjoga enjome enjomu enjima enjiji enjije enjija enjiju enjim enjih "+
		"enjoj enjom enjog enja enje enji enjo enju"),
	to("šnj", "šnjijemu šnjijima šnjijega šnjijeg šnjijem šnjemu šnjega šnjeg šnjem šnjijim "+
		"šnjijih šnjijoj šnjoga šnjome šnjomu šnjima šnjiji šnjije šnjija šnjiju šnjim šnjih "+
		"šnjoj šnjom šnjog šnja šnje šnji šnjo šnju"),
	to("an", "anemu anega aneg anem"),
	to("en", "enemu enega eneg enem"),
	to("šn", "šnemu šnega šneg šnem"),
	to("čin", "činama činome činomu činoga činima činog činom činim činih činoj "+
		"čina činu čini čino čine"),
	to("roši", "rošivši rošismo rošiste rošiše rošimo rošite rošiti rošili rošila rošilo "+
		"rošile rošim rošiš rošit roših rošio"),
	to("oš", "ošijemu ošijima ošijega ošijeg ošijem ošemu ošega ošeg ošem ošijim ošijih ošijoj "+
		"ošoga ošome ošomu ošima ošiji ošije ošija ošiju ošim oših ošoj ošom ošog oši oša ošu oše"),
	to("evit", "evitijima evitijega evitijemu evitijem evitega evitemu evitem evitijim evitijih "+
		"evitijoj evitijeg evitiji evitije evitija evitoga evitome evitomu evitima evitog "+
		"evitom evitim evitih evitoj eviti evite evito evita evitu"),
	to("ovit", "ovitijima ovitijega ovitijemu ovitijem ovitega ovitemu ovitem ovitijim ovitijih "+
		"ovitijoj ovitijeg ovitiji ovitije ovitija ovitoga ovitome ovitomu ovitima ovitog "+
		"ovitom ovitim ovitih ovitoj oviti ovite ovito ovita ovitu"),
	to("ast", "astijima astijega astijemu astijem astega astemu astem astijim astijih "+
		"astijoj astijeg astiji astije astija astoga astome astomu astima astog "+
		"astom astim astih astoj asti aste asto asta astu"),
	to("k", "kijemu kijima kijega kijeg kijem kemu kega keg kem kijim kijih kijoj koga kome "+
		"komu kima kiji kije kija kiju kim kih koj kom kog kov ki ka ku ke ko"),
	to("eva", "evajući evasmo evaste evajmo evajte evaju evala evale evali evalo evamo evana "+
		"evane evani evano evate evati evaše evahu evah evaj evam evan evao evat evav evaš"),
	to("ava", "avajući avasmo avaste avajmo avajte avaju avala avale avali avalo avamo avana "+
		"avane avani avano avate avati avaše avahu avah avaj avam avan avao avat avav avaš"),
	to("iva", "ivajući ivasmo ivaste ivajmo ivajte ivaju ivala ivale ivali ivalo ivamo ivana "+
		"ivane ivani ivano ivate ivati ivaše ivahu ivah ivaj ivam ivan ivao ivat ivav ivaš"),
	to("uva", "uvajući uvasmo uvaste uvajmo uvajte uvaju uvala uvale uvali uvalo uvamo uvana "+
		"uvane uvani uvano uvate uvati uvaše uvahu uvah uvaj uvam uvan uvao uvat uvav uvaš"),
	to("ir", "irujemo irujete irujući irajući irivat irujem iruješ irujmo irujte iravši "+
		"irasmo iraste irati iramo irate iraju iraše irahu irala iralo irali irale iruje "+
		"iruju iruj iral iran iram iraš irat irah irao"),
	to("ač", "ačismo ačiste ačiti ačimo ačite ačiše ačeći ačila ačilo ačili ačile ačena "+
		"ačeno ačeni ačene ačio ačim ačiš ačit ačih ačen ači ače"),
	to("ača", "ačavši ačasmo ačaste ačahu ačati ačamo ačate ačaše ačala ačalo ačali ačale "+
		"ačaju ačana ačano ačani ačane ačao ačam ačaš ačat ačah ačan"),
	to("n", "nuvši nusmo nuste nući nimo nite nemo nete nula nulo nule nuli nuto nuti nuta "+
		"neš nuo nut"),
	to("ni", "nivši nismo niste niti nila nilo nile nili niš nio"),
	to("a", "ajući avši asmo ajmo ajte ajem aloj amo ate aje aju ati aše ahu ala ali ale alo "+
		"ano at ah ao aj an am aš"),
	to("ur", "urajući urasmo uraste urajmo urajte uramo urate uraju urati uraše urahu urala "+
		"urali urale uralo urana urano urani urane ural urat urah urao uraj uran uram uraš"),
	to("astaj", "astajasmo astajaste astajahu astajati astajemo astajete astajaše astajali "+
		"astajući astajala astajalo astajale astajmo astajao astajem astaješ astajat "+
		"astajah astajte astaje astaju"),
	to("istaj", "istajasmo istajaste istajahu istajati istajemo istajete istajaše istajali "+
		"istajući istajala istajalo istajale istajmo istajao istajem istaješ istajat "+
		"istajah istajte istaje istaju"),
	to("ostaj", "ostajasmo ostajaste ostajahu ostajati ostajemo ostajete ostajaše ostajali "+
		"ostajući ostajala ostajalo ostajale ostajmo ostajao ostajem ostaješ ostajat "+
		"ostajah ostajte ostaje ostaju"),
	to("a", "alama alima alom alu al"),
	to("aj", "ajevima ajevi ajeva ajeve ajama ajima aja aji"),
	to("asta", "astadosmo astadoste astadoše astanemo astademo astanete astadete astanimo "+
		"astanite astanila astavši astanem astadem astaneš astadeš astadoh astade astati "+
		"astane astanu astadu astala astali astalo astale astat astao"),
	to("ista", "istadosmo istadoste istadoše istanemo istademo istanete istadete istanimo "+
		"istanite istanila istavši istanem istadem istaneš istadeš istadoh istade istati "+
		"istane istanu istadu istala istali istalo istale istat istao"),
	to("osta", "ostadosmo ostadoste ostadoše ostanemo ostademo ostanete ostadete ostanimo "+
		"ostanite ostanila ostavši ostanem ostadem ostaneš ostadeš ostadoh ostade ostati "+
		"ostane ostanu ostadu ostala ostali ostalo ostale ostat ostao"),
	to("ta", "tasmo taste tajmo tajte tavši tati tamo tate taju tala talo tale tali tana "+
		"tano tani tane tan taj tao tam taš tat tah"),
	to("inj", "injasmo injaste injati injemo injete injali injala injalo injale injaše injahu "+
		"injem inješ injat injah injao"),
	to("as", "astemo astete astimo astite astući asteš asli asla aslo asle"),
	to("i", "ivši ieći ismo imo ite iti ili ila ilo ile im iš it ih io"),
	to("i", "ijemo ijete ijem iješ ijmo ijte iju ije ij ilu"),
	to("luč", "lučujete lučujući lučujemo lučujem lučuješ lučismo lučiste lučujmo lučujte "+
		"lučuje lučuju lučiše lučiti lučimo lučite lučila lučilo lučili lučile lučena "+
		"lučeno lučeni lučene lučuj lučio lučen lučim lučiš lučit lučih luče luči"),
	to("jeti", "jetismo jetiste jetiše jetimo jetite jetiti jetili jetila jetilo jetile jetim "+
		"jetiš jetit jetih jetio"),
	to("e", "emo em eš elama el"),
	to("i", "ilama ilima ilom il"),
	to("at", "atijega atijemu atijima atijeg atijem atega atemu ateg atem atijih atijim atima "+
		"atoga atome atomu atiji atije atija atiju atoj atog atom atim atih ata atu ato"),
	to("et", "etavši etući etemo etimo etem eteš"),

	// The same families typed without diacritics (no_diacritics in the .sbl).
	toBald("luc", "lucujuci lucujemo lucujete lucujem lucujes lucujmo lucujte lucismo "+
		"luciste luciti lucite lucise lucuje lucuju lucila lucile lucili lucilo lucena "+
		"luceni lucene luceno lucimo lucim lucis lucih lucit lucio lucuj lucen luce luci"),
	toBald("snj", "snjijima snjijemu snjijega snjijim snjijih snjijeg snjijoj snjiji snjija "+
		"snjije snjiju snjima snjemu snjomu snjome snjega snjoga snjih snjim snjem snjom "+
		"snjeg snjog snjoj snja snje snji snjo snju"),
	// "snjijem" sits in the os group in the .sbl (a slip there for
	// "osijem", which it also lists); kept as published.
	toBald("os", "osijima osijemu osijega snjijem osijih osijim osijem osijeg osijoj osima "+
		"osemu osomu osome osega osoga osija osije osiji osiju osih osim osem osom oseg "+
		"osog osoj osa ose osi osu"),
	toBald("ac", "acismo aciste acima acimo acome acomu acite aciti acise acila acile acili "+
		"acilo acega acene aceci aceni acemu acena aceno acoga acoj acih acem acom acen "+
		"acog acit acio aceg acim acuh acis ace aca aci"),
	toBald("ec", "ecome ecoga ecemu ecima ecega ecomu ecoj ecuh ecom ecog eceg ecih ecem "+
		"ecim eca ece"),
	toBald("uc", "ucomu ucome ucima ucoga ucega ucemu ucih ucog uceg ucom ucem ucim ucuh "+
		"ucoj uca uce"),
	toBald("rosi", "rosismo rosivsi rosiste rositi rosili rosise rosite rosilo rosimo "+
		"rosile rosila rosit rosis rosio rosim rosih"),
	toBald("aca", "acavsi acaste acasmo acaju acane acate acali acani acati acale acahu "+
		"acase acano acamo acalo acana acala acam acan acao acas acat acah"),
	toBald("jas", "jasima jasama jasem jasom jase jasi jasa jasu"),
	toBald("tas", "tasima tasama tasem tasom tase tasa tasu tasi"),
	toBald("gas", "gasima gasama gasem gasom gasi gasu gase gasa"),
	toBald("nas", "nasama nasima nasem nasom nasu nasi nase nasa"),
	toBald("kas", "kasama kasima kasom kasem kasi kasu kase kasa"),
	toBald("vas", "vasama vasima vasom vasem vasi vase vasa vasu"),
	toBald("bas", "basama basima basom basem basi base basu basa"),
	toBald("as", "astuci astes"),
	toBald("cin", "cinima cinome cinama cinomu cinoga cinom cinih cinim cinog cinoj cino "+
		"cini cinu cine cina"),
	toBald("astaj", "astajase astajuci astajes"),
	toBald("istaj", "istajase istajuci istajes"),
	toBald("ostaj", "ostajase ostajuci ostajes"),
	toBald("asta", "astadose astades astanes astavsi"),
	toBald("ista", "istadose istades istanes istavsi"),
	toBald("osta", "ostadose ostades ostanes ostavsi"),
	toBald("ava", "avajuci avase avas"),
	toBald("eva", "evajuci evase evas"),
	toBald("iva", "ivajuci ivase ivas"),
	toBald("uva", "uvajuci uvase uvas"),
	toBald("ova", "ovase"),
	toBald("jeti", "jetise jetis"),
	toBald("inj", "injase injes"),
	toBald("ist", "istem"),
	toBald("es", "esama esem esi"),
	toBald("et", "etavsi etuci etes"),
	toBald("is", "isama isem isi"),
	toBald("ir", "irajuci irujuci irujes iravsi irase iras"),
	toBald("ur", "urajuci urase uras"),
	toBald("uj", "ujuci ujes"),
	toBald("ni", "nivsi nis"),
	toBald("sn", "snega snemu snem sneg"),
	toBald("ta", "tavsi tas"),
	toBald("a", "ajuci avsi ase as"),
	toBald("i", "ijes ivsi ieci is"),
	toBald("e", "es"),
	toBald("n", "nuvsi nuci nes"),
)
